package cloudsim

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func init() {
	register("sts", false,
		op("GetCallerIdentity", stsGetCallerIdentity),
		op("AssumeRole", stsAssumeRole),
	)
}

func stsGetCallerIdentity(c *call) error {
	return c.writeOutput(&sts.GetCallerIdentityOutput{
		Account: aws.String(c.ident.account.Id),
		Arn:     aws.String(c.ident.arn),
		UserId:  aws.String(c.ident.userID),
	})
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

func stsAssumeRole(c *call) error {
	roleArn := c.form.Get("RoleArn")
	sessionName := c.form.Get("RoleSessionName")
	if sessionName == "" {
		return c.proto.invalidParameter("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	deny := func() error {
		return errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.ident.arn, roleArn)
	}
	// arn:aws:iam::123456789012:role/path/name
	parts := strings.SplitN(roleArn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return c.proto.invalidParameter("%s is invalid", roleArn)
	}
	target := c.idx.accounts[parts[4]]
	if target == nil {
		return deny()
	}
	resource := strings.TrimPrefix(parts[5], "role/")
	name := resource[strings.LastIndex(resource, "/")+1:]
	var role *Role
	for _, r := range target.IAM.Roles {
		if r != nil && aws.ToString(r.RoleName) == name {
			role = r
		}
	}
	if role == nil || aws.ToString(role.Arn) != roleArn {
		return deny()
	}
	duration, err := c.formInt("DurationSeconds")
	if err != nil {
		return err
	}
	if duration == 0 {
		duration = 3600
	}
	if max := int(aws.ToInt32(role.MaxSessionDuration)); duration < 900 || duration > max {
		return c.proto.invalidParameter("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	keyID := stableID("ASIA", 16, randomToken(12))
	sess := &session{
		account: target.Id,
		arn:     "arn:aws:sts::" + target.Id + ":assumed-role/" + name + "/" + sessionName,
		userID:  aws.ToString(role.RoleId) + ":" + sessionName,
		token:   randomToken(96),
		expires: c.now.Add(time.Duration(duration) * time.Second),
	}
	c.s.sessMu.Lock()
	if len(c.s.sessions) >= 1024 { // forget expired sessions now and then
		for k, old := range c.s.sessions {
			if !c.now.Before(old.expires) {
				delete(c.s.sessions, k)
			}
		}
	}
	c.s.sessions[keyID] = sess
	c.s.sessMu.Unlock()
	c.shift = 0 // the credentials are new, not world state
	return c.writeOutput(&sts.AssumeRoleOutput{
		AssumedRoleUser: &ststypes.AssumedRoleUser{Arn: aws.String(sess.arn), AssumedRoleId: aws.String(sess.userID)},
		Credentials: &ststypes.Credentials{
			AccessKeyId:     aws.String(keyID),
			SecretAccessKey: aws.String(randomToken(30)),
			SessionToken:    aws.String(sess.token),
			Expiration:      aws.Time(sess.expires.UTC().Truncate(time.Second)),
		},
	})
}
