package dataspec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/awstables"
	"github.com/tastylog/infra/internal/configerr"
)

// mysqlFamilies are the DB instance class families RDS offers for MySQL 8.0 and 8.4 (Amazon RDS User
// Guide, "Supported DB engines for DB instance classes"). Retired generations (db.t2, db.m4, db.r4) and
// classes of other engines (db.x1, db.x1e) are left out. Which sizes exist in a family comes from the
// SDK's tables: rds.InstanceType where it lists the family, else ec2.InstanceType, since every RDS class
// is an EC2 type with db. in front.
var mysqlFamilies = []string{"t3", "t4g", "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m7g", "m7i",
	"r5", "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r7g", "r7i", "x2g"}

// Performance Insights is not available on the smallest burstable classes.
var noPerformanceInsights = []string{"db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"}

// classSizes returns the sizes the SDK's tables list for the family, and which table they come from.
func classSizes(family string) ([]string, string) {
	if sizes := awstables.Sizes(awstables.RDSInstanceClasses, family); len(sizes) > 0 {
		return sizes, "rds.InstanceType"
	}
	// RDS offers a standard family from large up, a burstable one in all its EC2 sizes; no metal.
	var sizes []string
	burstable := strings.HasPrefix(family, "t")
	for _, size := range awstables.Sizes(awstables.EC2InstanceTypes, family) {
		if !strings.HasPrefix(size, "metal") && (burstable || awstables.SizeRank(size) >= awstables.SizeRank("large")) {
			sizes = append(sizes, size)
		}
	}
	return sizes, "ec2.InstanceType"
}

const (
	minStorageGiB    = 20 // gp3 minimum for MySQL
	maxStorageGiB    = 65536
	maxRetentionDays = 35
	minWindowMinutes = 30
	minutesPerDay    = 24 * 60
	minutesPerWeek   = 7 * minutesPerDay
)

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)
	usernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,15}$`)
	reservedUsers   = []string{"rdsadmin", "root", "mysql", "mysql.sys", "mysql.session", "mysql.infoschema"}
	days            = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

// Validate checks the spec; keys in the errors are stack-config keys with keyPrefix ("tastylog:") in front.
// Every problem is reported.
func (s Spec) Validate(keyPrefix string) error {
	v := &validator{prefix: keyPrefix}
	d := s.Database
	v.engine(d.EngineVersion)
	v.instanceClass(d.InstanceClass, d.PerformanceInsights)
	v.identifiers(d.Name, d.Username)
	v.storage(d.AllocatedStorage, d.MaxAllocatedStorage)
	v.backups(s)
	v.windows(d.BackupWindow, d.MaintenanceWindow)
	v.monitoring(d.MonitoringInterval, d.LogExports)
	if d.ExportsLog("audit") && !slices.Contains(AuditEngineVersions, d.EngineVersion) && slices.Contains(EngineVersions, d.EngineVersion) {
		v.fail(KeyDbLogExports, fmt.Sprint(d.LogExports), "asks for the audit log, but RDS offers the MariaDB Audit Plugin for MySQL %s only, not %s; drop \"audit\" or set %s to %s",
			strings.Join(AuditEngineVersions, ", "), d.EngineVersion, v.prefix+KeyDbEngineVersion, AuditEngineVersions[len(AuditEngineVersions)-1])
	}
	if s.LogsExpirationDays < 1 {
		v.fail(KeyLogsExpirationDays, strconv.Itoa(s.LogsExpirationDays), "must be at least 1 day")
	}
	if s.Production && !s.StackKey {
		v.fail(KeyStackKey, "false", "leaves a production stack's database, settings and audit trail under AWS-managed keys, whose policies nobody can narrow or audit; set %s%s to true, or %s to false for a disposable stack", v.prefix, KeyStackKey, v.prefix+KeyProduction)
	}
	if s.TrailObjectLockDays < 0 || s.TrailObjectLockDays > MaxObjectLockDays {
		v.fail(KeyTrailObjectLockDays, strconv.Itoa(s.TrailObjectLockDays), "must be from 0 (off) to %d days", MaxObjectLockDays)
	}
	if s.Production && s.ForceDestroyBuckets {
		v.fail(KeyForceDestroyBuckets, "true", "would let `pulumi destroy` delete the buckets with their data in a production stack; set %s to false for a disposable stack", v.prefix+KeyProduction)
	}
	return errors.Join(v.errs...)
}

type validator struct {
	prefix string
	errs   []error
}

func (v *validator) fail(key, value, format string, args ...any) {
	v.errs = append(v.errs, configerr.New(v.prefix+key, value, format, args...))
}

func (v *validator) engine(version string) {
	if _, ok := engineFamilies[version]; !ok {
		hint := ""
		if strings.Count(version, ".") >= 2 {
			hint = "; give the major version only (AWS retires minor versions and upgrades them in the maintenance window)"
		}
		v.fail(KeyDbEngineVersion, version, "is not a supported MySQL major version; allowed: %s%s", quoted(EngineVersions), hint)
	}
}

func (v *validator) instanceClass(class string, performanceInsights bool) {
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" {
		v.fail(KeyDbInstanceClass, class, "is not an RDS instance class; want the db.<family>.<size> form, such as db.t4g.micro")
		return
	}
	family, size := parts[1], parts[2]
	if !slices.Contains(mysqlFamilies, family) {
		v.fail(KeyDbInstanceClass, class, "is not offered for MySQL 8; families: %s", strings.Join(mysqlFamilies, ", "))
		return
	}
	if sizes, table := classSizes(family); !slices.Contains(sizes, size) {
		v.fail(KeyDbInstanceClass, class, "is not offered for MySQL; db.%s comes in %s (pulumi-aws %s's %s)",
			family, strings.Join(sizes, ", "), awstables.SDKVersion, table)
		return
	}
	if performanceInsights && slices.Contains(noPerformanceInsights, class) {
		v.fail(KeyDbPerformanceInsights, "true", "is not available on %s; use db.%s.medium or larger, or set %s to false", class, family, v.prefix+KeyDbPerformanceInsights)
	}
}

func (v *validator) identifiers(name, username string) {
	if !namePattern.MatchString(name) {
		v.fail(KeyDbName, name, "is not a MySQL database name RDS accepts; use 1-64 letters, digits or underscores, starting with a letter")
	}
	switch {
	case !usernamePattern.MatchString(username) || slices.Contains(reservedUsers, strings.ToLower(username)):
		v.fail(KeyDbUsername, username, "is not a master user name RDS accepts; use 1-16 letters, digits or underscores, starting with a letter, not a reserved name (%s)", strings.Join(reservedUsers, ", "))
	case strings.EqualFold(username, DefaultUsername):
		v.fail(KeyDbUsername, username, "is the engine's default master user name, the first one a password-guessing attack tries (Security Hub RDS.25); choose another, such as tastylog_admin")
	}
}

func (v *validator) storage(allocated, ceiling int) {
	if allocated < minStorageGiB || allocated > maxStorageGiB {
		v.fail(KeyDbAllocatedStorage, strconv.Itoa(allocated), "must be from %d to %d GiB for gp3", minStorageGiB, maxStorageGiB)
	}
	if ceiling > maxStorageGiB {
		v.fail(KeyDbMaxAllocatedStorage, strconv.Itoa(ceiling), "must be at most %d GiB", maxStorageGiB)
	}
	if floor := MinStorageCeiling(allocated); ceiling < floor {
		v.fail(KeyDbMaxAllocatedStorage, strconv.Itoa(ceiling),
			"must be at least 10%% above %s (%d GiB), so at least %d GiB; RDS refuses a storage-autoscaling ceiling closer to the allocated storage",
			v.prefix+KeyDbAllocatedStorage, allocated, floor)
	}
}

// MinStorageCeiling is the lowest storage-autoscaling ceiling RDS accepts for allocated GiB: 10% above it,
// rounded up.
func MinStorageCeiling(allocated int) int { return (allocated*110 + 99) / 100 }

func (v *validator) backups(s Spec) {
	d := s.Database
	days := strconv.Itoa(d.BackupRetentionDays)
	if d.BackupRetentionDays < 0 || d.BackupRetentionDays > maxRetentionDays {
		v.fail(KeyDbBackupRetentionDays, days, "must be from 0 to %d days", maxRetentionDays)
	}
	if d.ReadReplica && d.BackupRetentionDays == 0 {
		v.fail(KeyDbBackupRetentionDays, days, "turns automated backups off, which a read replica's source needs (%s is true); keep at least 1 day", v.prefix+KeyDbReadReplica)
	}
	if s.Production && d.BackupRetentionDays == 0 {
		v.fail(KeyDbBackupRetentionDays, days, "turns automated backups off in a production stack (%s is true); keep at least 1 day", v.prefix+KeyProduction)
	}
	if s.Production && d.SkipFinalSnapshot {
		v.fail(KeyDbSkipFinalSnapshot, "true", "would delete the production database without a final snapshot (%s is true)", v.prefix+KeyProduction)
	}
}

func (v *validator) monitoring(interval int, exports []string) {
	if !slices.Contains(MonitoringIntervals, interval) {
		v.fail(KeyDbMonitoringInterval, strconv.Itoa(interval), "is not an enhanced-monitoring interval; allowed: %s (0 turns it off)", quoted(MonitoringIntervals))
	}
	for i, e := range exports {
		key := fmt.Sprintf("dbLogExports[%d]", i)
		switch {
		case !slices.Contains(LogExports, e):
			v.fail(key, e, "is not a MySQL log this stack exports; allowed: %s", quoted(LogExports))
		case slices.Index(exports, e) != i:
			v.fail(key, e, "is listed twice")
		}
	}
}

// span is a half-open interval of minutes in the week, Monday 00:00 UTC = 0.
type span struct{ start, end int }

func (v *validator) windows(backup, maintenance string) {
	b, bErr := parseDailyWindow(backup)
	if bErr != nil {
		v.fail(KeyDbBackupWindow, backup, "%v", bErr)
	}
	m, mErr := parseWeeklyWindow(maintenance)
	if mErr != nil {
		v.fail(KeyDbMaintenanceWindow, maintenance, "%v", mErr)
	}
	if bErr != nil || mErr != nil {
		return
	}
	for day := 0; day < 7; day++ {
		daily := span{b.start + day*minutesPerDay, b.end + day*minutesPerDay}
		if overlaps(daily, m) {
			v.fail(KeyDbBackupWindow, backup, "overlaps the maintenance window %q (%s); RDS requires them apart", maintenance, v.prefix+KeyDbMaintenanceWindow)
			return
		}
	}
}

// parseDailyWindow parses hh24:mi-hh24:mi (UTC) into minutes from Monday 00:00, at least 30 minutes long.
func parseDailyWindow(w string) (span, error) {
	return parseWindow(w, clock, minutesPerDay,
		"is not a daily window; want hh24:mi-hh24:mi in UTC, at least 30 minutes, such as 04:00-05:00")
}

// parseWeeklyWindow parses ddd:hh24:mi-ddd:hh24:mi (UTC), at least 30 minutes long.
func parseWeeklyWindow(w string) (span, error) {
	return parseWindow(w, weekMinute, minutesPerWeek,
		"is not a weekly window; want ddd:hh24:mi-ddd:hh24:mi in UTC, at least 30 minutes, such as Mon:05:00-Mon:08:00")
}

// parseWindow parses from-to, each bound read by minute, wrapping past the end of the period; problem
// is the error for anything malformed or shorter than 30 minutes.
func parseWindow(w string, minute func(string) (int, error), period int, problem string) (span, error) {
	from, to, ok := strings.Cut(w, "-")
	start, err1 := minute(from)
	end, err2 := minute(to)
	if !ok || err1 != nil || err2 != nil {
		return span{}, errors.New(problem)
	}
	if end <= start {
		end += period
	}
	if end-start < minWindowMinutes {
		return span{}, errors.New(problem)
	}
	return span{start, end}, nil
}

func clock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, errors.New("bad time")
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h > 23 || m > 59 || h < 0 || m < 0 {
		return 0, errors.New("bad time")
	}
	return h*60 + m, nil
}

func weekMinute(s string) (int, error) {
	day, rest, ok := strings.Cut(s, ":")
	d := slices.Index(days, strings.ToLower(day))
	if !ok || d < 0 {
		return 0, errors.New("bad day")
	}
	m, err := clock(rest)
	return d*minutesPerDay + m, err
}

// overlaps reports whether two spans meet, treating the week as a circle.
func overlaps(a, b span) bool {
	for _, shift := range []int{-minutesPerWeek, 0, minutesPerWeek} {
		if a.start < b.end+shift && b.start+shift < a.end {
			return true
		}
	}
	return false
}
