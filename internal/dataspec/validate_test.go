package dataspec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate("tastylog:"); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
}

// devLike is the cheap, disposable shape of Pulumi.dev.yaml.
func devLike() Spec {
	s := Default()
	s.Production = false
	s.ForceDestroyBuckets = true
	s.Database.InstanceClass = "db.t4g.micro"
	s.Database.MultiAz = false
	s.Database.DeletionProtection = false
	s.Database.SkipFinalSnapshot = true
	s.Database.PerformanceInsights = false
	s.Database.MonitoringInterval = 0
	s.Database.LogExports = nil
	s.Database.BackupRetentionDays = 1
	return s
}

func TestDevLikeIsValid(t *testing.T) {
	if err := devLike().Validate("tastylog:"); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"UnknownMajorVersion", func(s *Spec) { s.Database.EngineVersion = "5.7" },
			`tastylog:dbEngineVersion: "5.7" is not a supported MySQL major version; allowed: "8.0", "8.4"`},
		{"MinorVersionPinned", func(s *Spec) { s.Database.EngineVersion = "8.0.35" },
			`give the major version only`},
		{"InstanceClassWithoutDbPrefix", func(s *Spec) { s.Database.InstanceClass = "t4g.micro" },
			`tastylog:dbInstanceClass: "t4g.micro" is not an RDS instance class; want the db.<family>.<size> form`},
		{"InstanceClassNotForMySQL", func(s *Spec) { s.Database.InstanceClass = "db.t2.micro" },
			`tastylog:dbInstanceClass: "db.t2.micro" is not offered for MySQL 8`},
		{"InstanceSizeNotOffered", func(s *Spec) { s.Database.InstanceClass = "db.m7g.micro" },
			`tastylog:dbInstanceClass: "db.m7g.micro" is not offered for MySQL; db.m7g comes in large`},
		{"PerformanceInsightsOnMicro", func(s *Spec) { s.Database.InstanceClass = "db.t4g.micro" },
			`tastylog:dbPerformanceInsights: "true" is not available on db.t4g.micro`},
		{"StorageAboveCeiling", func(s *Spec) { s.Database.AllocatedStorage = 200 },
			`tastylog:dbMaxAllocatedStorage: "100" must be at least 10% above tastylog:dbAllocatedStorage (200 GiB), so at least 220 GiB`},
		{"CeilingLessThanTenPercentAbove", func(s *Spec) { s.Database.AllocatedStorage, s.Database.MaxAllocatedStorage = 100, 105 },
			`tastylog:dbMaxAllocatedStorage: "105" must be at least 10% above tastylog:dbAllocatedStorage (100 GiB), so at least 110 GiB`},
		{"CeilingEqualToAllocated", func(s *Spec) { s.Database.AllocatedStorage, s.Database.MaxAllocatedStorage = 20, 20 },
			`tastylog:dbMaxAllocatedStorage: "20" must be at least 10% above tastylog:dbAllocatedStorage (20 GiB), so at least 22 GiB`},
		{"SizeBeyondFamilyInSdkTable", func(s *Spec) { s.Database.InstanceClass = "db.m6g.24xlarge" },
			`tastylog:dbInstanceClass: "db.m6g.24xlarge" is not offered for MySQL; db.m6g comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge (pulumi-aws v6.83.4's rds.InstanceType)`},
		{"FamilyOfAnotherEngine", func(s *Spec) { s.Database.InstanceClass = "db.x1e.xlarge" },
			`tastylog:dbInstanceClass: "db.x1e.xlarge" is not offered for MySQL 8`},
		{"StorageBelowGp3Minimum", func(s *Spec) { s.Database.AllocatedStorage = 10 },
			`tastylog:dbAllocatedStorage: "10" must be from 20 to 65536 GiB`},
		{"ReplicaWithoutBackups", func(s *Spec) { s.Production = false; s.Database.ReadReplica = true; s.Database.BackupRetentionDays = 0 },
			`tastylog:dbBackupRetentionDays: "0" turns automated backups off, which a read replica's source needs`},
		{"ProductionWithoutBackups", func(s *Spec) { s.Database.BackupRetentionDays = 0 },
			`tastylog:dbBackupRetentionDays: "0" turns automated backups off in a production stack`},
		{"RetentionTooLong", func(s *Spec) { s.Database.BackupRetentionDays = 36 },
			`tastylog:dbBackupRetentionDays: "36" must be from 0 to 35 days`},
		{"ProductionSkipsFinalSnapshot", func(s *Spec) { s.Database.SkipFinalSnapshot = true },
			`tastylog:dbSkipFinalSnapshot: "true" would delete the production database without a final snapshot`},
		{"ProductionForceDestroysBuckets", func(s *Spec) { s.ForceDestroyBuckets = true },
			`tastylog:forceDestroyBuckets: "true" would let`},
		{"BackupWindowFormat", func(s *Spec) { s.Database.BackupWindow = "4:00-5:00" },
			`tastylog:dbBackupWindow: "4:00-5:00" is not a daily window; want hh24:mi-hh24:mi in UTC`},
		{"BackupWindowTooShort", func(s *Spec) { s.Database.BackupWindow = "04:00-04:15" },
			`tastylog:dbBackupWindow: "04:00-04:15" is not a daily window`},
		{"MaintenanceWindowFormat", func(s *Spec) { s.Database.MaintenanceWindow = "Monday:05:00-Monday:08:00" },
			`tastylog:dbMaintenanceWindow: "Monday:05:00-Monday:08:00" is not a weekly window; want ddd:hh24:mi-ddd:hh24:mi`},
		{"WindowsOverlap", func(s *Spec) { s.Database.MaintenanceWindow = "Tue:04:30-Tue:06:00" },
			`tastylog:dbBackupWindow: "04:00-05:00" overlaps the maintenance window "Tue:04:30-Tue:06:00"`},
		{"WindowsOverlapAcrossMidnight", func(s *Spec) {
			s.Database.BackupWindow = "23:30-00:30"
			s.Database.MaintenanceWindow = "Sun:23:45-Mon:01:00"
		}, `overlaps the maintenance window`},
		{"UnknownMonitoringInterval", func(s *Spec) { s.Database.MonitoringInterval = 20 },
			`tastylog:dbMonitoringInterval: "20" is not an enhanced-monitoring interval; allowed: "0", "1", "5", "10", "15", "30", "60"`},
		{"UnknownLogExport", func(s *Spec) { s.Database.LogExports = []string{"error", "iam-db-auth-error"} },
			`tastylog:dbLogExports[1]: "iam-db-auth-error" is not a MySQL log this stack exports; allowed: "audit", "error", "general", "slowquery"`},
		{"AuditOn84", func(s *Spec) { s.Database.EngineVersion = "8.4" },
			`tastylog:dbLogExports: "[audit error slowquery]" asks for the audit log, but RDS offers the MariaDB Audit Plugin for MySQL 8.0 only, not 8.4; drop "audit" or set tastylog:dbEngineVersion to 8.0`},
		{"ProductionWithoutStackKey", func(s *Spec) { s.StackKey = false },
			`tastylog:stackKey: "false" leaves a production stack's database, settings and audit trail under AWS-managed keys`},
		{"ObjectLockNegative", func(s *Spec) { s.TrailObjectLockDays = -1 }, `tastylog:trailObjectLockDays: "-1" must be from 0 (off) to 36500 days`},
		{"DefaultUsername", func(s *Spec) { s.Database.Username = "Admin" },
			`tastylog:dbUsername: "Admin" is the engine's default master user name`},
		{"BadDbName", func(s *Spec) { s.Database.Name = "tasty-log" },
			`tastylog:dbName: "tasty-log" is not a MySQL database name RDS accepts`},
		{"ReservedUsername", func(s *Spec) { s.Database.Username = "rdsadmin" },
			`tastylog:dbUsername: "rdsadmin" is not a master user name RDS accepts`},
		{"LogsExpiration", func(s *Spec) { s.LogsExpirationDays = 0 },
			`tastylog:logsExpirationDays: "0" must be at least 1 day`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			err := s.Validate("tastylog:")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestWindowsThatOnlyTouchAreAccepted(t *testing.T) {
	s := Default() // backup 04:00-05:00 daily, maintenance Mon:05:00-Mon:08:00: adjacent, not overlapping
	if err := s.Validate(""); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	s.Database.BackupWindow = "22:00-23:00"
	s.Database.MaintenanceWindow = "sun:23:00-mon:00:30"
	if err := s.Validate(""); err != nil {
		t.Fatalf("Validate() = %v, want nil for a maintenance window across the week boundary", err)
	}
}

func TestFamily(t *testing.T) {
	for version, want := range map[string]string{"8.0": "mysql8.0", "8.4": "mysql8.4", "5.7": ""} {
		if got := (Database{EngineVersion: version}).Family(); got != want {
			t.Errorf("Family(%s) = %q, want %q", version, got, want)
		}
	}
}
