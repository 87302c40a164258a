package cloudsim

import (
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// credScope is the SigV4 credential scope of a request.
type credScope struct {
	accessKey, date, region, service string
}

// parseAuthorization reads the credential scope from a SigV4 Authorization
// header ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, ...")
// or from a presigned URL's X-Amz-Credential. Signatures are not checked.
func parseAuthorization(r *http.Request) (credScope, bool) {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		i := strings.Index(h, "Credential=")
		if i < 0 {
			return credScope{}, false
		}
		cred = h[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return credScope{}, false
	}
	return credScope{accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3]}, true
}

// guessService picks the service of an unsigned request, so that it can be
// refused in the right protocol.
func guessService(r *http.Request) string {
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(target, "TrentService."):
		return "kms"
	case strings.HasPrefix(target, "StarlingDoveService."):
		return "config"
	case strings.HasPrefix(target, "AWSOrganizations"):
		return "organizations"
	case strings.HasPrefix(target, "CloudTrail_"):
		return "cloudtrail"
	case strings.HasPrefix(target, "AmazonEC2ContainerRegistry_"):
		return "ecr"
	}
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/detector"):
		return "guardduty"
	case strings.HasPrefix(p, "/clusters"):
		return "eks"
	case strings.HasPrefix(p, "/2015-03-31/functions"), strings.HasPrefix(p, "/2021-10-31/functions"):
		return "lambda"
	case strings.HasPrefix(p, "/2021-01-01/"):
		return "es"
	}
	if strings.Contains(r.Header.Get("Content-Type"), "x-www-form-urlencoded") {
		return "sts"
	}
	return "s3"
}

// identity is who a call is made as.
type identity struct {
	account *Account
	arn     string
	userID  string
	user    *User // the IAM user, when the caller is one
}

// session is a set of temporary credentials issued by AssumeRole.
type session struct {
	account, arn, userID, token string
	expires                     time.Time
}

// authenticate maps the access key of the call to an account and identity:
// world credentials, IAM users' access keys, AssumeRole sessions, then the
// default account.
func (c *call) authenticate(cred credScope, token string) *apiError {
	x := c.idx
	root := func(a *Account) identity {
		return identity{account: a, arn: "arn:aws:iam::" + a.Id + ":root", userID: a.Id}
	}
	if cr, ok := x.creds[cred.accessKey]; ok {
		a := x.accounts[cr.Account]
		if a == nil {
			return c.proto.invalidToken("")
		}
		c.ident = root(a)
		if uk, ok := x.userKeys[cred.accessKey]; ok && uk.account == a {
			c.ident = userIdentity(a, uk.user)
		}
		if cr.Arn != "" {
			c.ident.arn = cr.Arn
		}
		return nil
	}
	if cred.accessKey == c.s.adminKey {
		if a := x.accounts[c.s.adminAccount]; a != nil {
			c.ident = root(a)
			return nil
		}
	}
	if uk, ok := x.userKeys[cred.accessKey]; ok {
		if uk.key.Status != iamtypes.StatusTypeActive {
			return c.proto.invalidToken("")
		}
		c.ident = userIdentity(uk.account, uk.user)
		return nil
	}
	c.s.sessMu.Lock()
	sess := c.s.sessions[cred.accessKey]
	c.s.sessMu.Unlock()
	if sess != nil {
		if token != sess.token {
			return c.proto.invalidToken("")
		}
		if !c.now.Before(sess.expires) {
			return c.proto.expiredToken()
		}
		a := x.accounts[sess.account]
		if a == nil {
			return c.proto.invalidToken("")
		}
		c.ident = identity{account: a, arn: sess.arn, userID: sess.userID}
		return nil
	}
	if a := x.accounts[c.world.DefaultAccount]; a != nil {
		c.ident = root(a)
		return nil
	}
	return c.proto.invalidToken("")
}

func userIdentity(a *Account, u *User) identity {
	return identity{account: a, arn: aws.ToString(u.Arn), userID: aws.ToString(u.UserId), user: u}
}
