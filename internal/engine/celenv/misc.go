package celenv

import (
	"fmt"
	"strings"
	"time"
)

// s3ACLPublic reports whether a bucket ACL (an awsshape.BucketAcl
// document) grants anything to everyone or to every AWS user. A canned ACL
// name, as IaC writes it, is accepted too. A null ACL grants nothing.
func s3ACLPublic(acl any) (bool, error) {
	switch t := acl.(type) {
	case nil:
		return false, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "public-read", "public-read-write", "authenticated-read":
			return true, nil
		}
		return false, nil
	case map[string]any:
	default:
		return false, fmt.Errorf("ACL must be a map or a canned ACL name, got %s", describe(acl))
	}
	grants, _ := field(acl, "Grants")
	if grants != nil && !isList(grants) {
		return false, fmt.Errorf("Grants must be a list, got %s", describe(grants))
	}
	public := false
	each(grants, func(g any) bool {
		grantee, _ := field(g, "Grantee")
		uri, _ := field(grantee, "URI")
		if s, ok := uri.(string); ok && isPublicGroupURI(s) {
			public = true
		}
		return !public
	})
	return public, nil
}

// isPublicGroupURI recognises the AllUsers and AuthenticatedUsers groups
// (http or https, any case).
func isPublicGroupURI(uri string) bool {
	u := strings.ToLower(strings.TrimSpace(uri))
	return strings.HasSuffix(u, "acs.amazonaws.com/groups/global/allusers") ||
		strings.HasSuffix(u, "acs.amazonaws.com/groups/global/authenticatedusers")
}

// parseTime reads an RFC 3339 timestamp (fractional seconds optional) or a
// bare date (midnight UTC).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp", s)
}

// daysSince counts whole days from ts to now (negative when ts is later).
func daysSince(ts any, now time.Time) (int64, error) {
	var t time.Time
	switch v := ts.(type) {
	case nil:
		return 0, fmt.Errorf("timestamp is null")
	case string:
		var err error
		if t, err = parseTime(v); err != nil {
			return 0, err
		}
	case time.Time:
		t = v
	default:
		return 0, fmt.Errorf("want an RFC 3339 string or a timestamp, got %s", describe(ts))
	}
	return int64(now.Sub(t) / (24 * time.Hour)), nil
}
