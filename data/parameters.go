package data

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// TLSProfile is MYSQL_SSL's value: the name of the mysql2 driver's built-in TLS profile, which trusts the
// RDS certificate authorities and verifies the server's certificate. The app passes it as the connection's
// ssl option; a driver without the profile uses AWS's bundle of the same authorities
// (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem).
const TLSProfile = "Amazon RDS"

// parameter is one entry of the app's settings contract under the parameter path.
type parameter struct {
	key    string
	secure bool
	value  pulumi.StringInput
}

// buildParameters writes the settings the app reads at boot with
// `aws ssm get-parameters-by-path --path /tastylog/{env}/app/ --with-decryption` (course Section 8). Values
// come from the resources, never from literals; credentials are SecureStrings under the stack key (the
// account's aws/ssm key without one). SESSION_SECRET replaces the app's hard-coded fallback. MYSQL_SSL tells the app to connect
// with TLS, which the server requires: its value is TLSProfile.
func (b *builder) buildParameters() error {
	sessionSecret, err := layer.Secret(b.ctx, b.name+"-session-secret", 64, b.opts...)
	if err != nil {
		return err
	}
	params := []parameter{
		{"MYSQL_HOST", false, b.primary.Address},
		{"MYSQL_PORT", false, pulumi.Sprintf("%d", b.primary.Port)},
		{"MYSQL_DATABASE", false, b.primary.DbName},
		{"MYSQL_SSL", false, pulumi.String(TLSProfile)},
		{"MYSQL_USERNAME", true, b.primary.Username},
		{"MYSQL_PASSWORD", true, b.primary.Password.Elem()},
		{"SESSION_SECRET", true, sessionSecret},
	}
	for _, p := range params {
		typ := "String"
		var key pulumi.StringPtrInput
		if p.secure {
			typ, key = "SecureString", b.keyID() // nil: the account's aws/ssm key
		}
		name := b.name + "-param-" + strings.ToLower(strings.ReplaceAll(p.key, "_", "-"))
		param, err := ssm.NewParameter(b.ctx, name, &ssm.ParameterArgs{
			Name:        pulumi.String(b.args.ParameterPath + p.key),
			Type:        pulumi.String(typ),
			Value:       p.value,
			Description: pulumi.String("tastylog app setting " + p.key + ", managed by Pulumi"),
			Tier:        pulumi.String("Standard"),
			KeyId:       key,
			Tags:        layer.NameTags(name),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.params = append(b.params, param.Arn)
	}
	return nil
}
