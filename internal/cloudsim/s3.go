package cloudsim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/parapet-dev/parapet/internal/cloudsim/wire"
)

func init() {
	register("s3", false,
		opAction("ListBuckets", "s3:ListAllMyBuckets", s3ListBuckets),
		op("GetBucketLocation", s3GetBucketLocation),
		opAction("HeadBucket", "s3:ListBucket", s3HeadBucket),
		opAction("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", s3GetPublicAccessBlock),
		op("GetBucketPolicy", s3GetBucketPolicy),
		op("GetBucketPolicyStatus", s3GetBucketPolicyStatus),
		op("GetBucketAcl", s3GetBucketAcl),
		opAction("GetBucketEncryption", "s3:GetEncryptionConfiguration", s3GetBucketEncryption),
		op("GetBucketVersioning", s3GetBucketVersioning),
		op("GetBucketLogging", s3GetBucketLogging),
		op("GetBucketTagging", s3GetBucketTagging),
	)
	register("s3control", false,
		opAction("GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock", s3controlGetPublicAccessBlock),
	)
}

// s3Subresources maps the query subresource of a bucket GET to its
// operation.
var s3Subresources = map[string]string{
	"location":          "GetBucketLocation",
	"publicAccessBlock": "GetPublicAccessBlock",
	"policy":            "GetBucketPolicy",
	"policyStatus":      "GetBucketPolicyStatus",
	"acl":               "GetBucketAcl",
	"encryption":        "GetBucketEncryption",
	"versioning":        "GetBucketVersioning",
	"logging":           "GetBucketLogging",
	"tagging":           "GetBucketTagging",
}

// bucketName returns the bucket of a path-style request and whether the
// path names an object (or nothing) instead.
func bucketName(r *http.Request) (string, bool) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	if p == "" {
		return "", false
	}
	name, rest, _ := strings.Cut(p, "/")
	return name, rest == ""
}

// s3Operation names a path-style S3 request.
func s3Operation(r *http.Request) string {
	q := r.URL.Query()
	bucket, isBucket := bucketName(r)
	switch {
	case bucket == "" && r.Method == http.MethodGet:
		return "ListBuckets"
	case isBucket && r.Method == http.MethodHead:
		return "HeadBucket"
	case isBucket && r.Method == http.MethodGet:
		for sub, op := range s3Subresources {
			if _, ok := q[sub]; ok {
				return op
			}
		}
	}
	return r.Method + " " + r.URL.Path
}

func s3ControlOperation(r *http.Request) string {
	if r.Method == http.MethodGet && r.URL.Path == "/v20180820/configuration/publicAccessBlock" {
		return "GetPublicAccessBlock"
	}
	return r.Method + " " + r.URL.Path
}

// writeS3 answers with v as the root element name.
func (c *call) writeS3(name string, v any, ns string) error {
	var buf bytes.Buffer
	buf.WriteString(xmlHeader)
	if err := wire.XMLElement(&buf, name, v, wire.Options{Shift: c.shift}, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: ns}); err != nil {
		return err
	}
	c.writeXML(http.StatusOK, buf.Bytes(), nil)
	return nil
}

func s3ListBuckets(c *call) error {
	q := c.r.URL.Query()
	c.form = q
	limit, err := c.formInt("max-buckets")
	if err != nil {
		return err
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	var list []*Bucket
	for _, b := range c.ident.account.S3.Buckets {
		if strings.HasPrefix(b.Name, prefix) && (region == "" || b.Region == region) {
			list = append(list, b)
		}
	}
	p, err := c.paginate(len(list), q.Get("continuation-token"), limit, 10000, 1, 10000)
	if err != nil {
		return err
	}
	out := &s3.ListBucketsOutput{
		Owner:   &s3types.Owner{ID: aws.String(canonicalUserID(c.ident.account.Id))},
		Buckets: []s3types.Bucket{},
	}
	if prefix != "" {
		out.Prefix = aws.String(prefix)
	}
	if p.next != "" {
		out.ContinuationToken = aws.String(p.next)
	}
	for _, b := range list[p.start:p.end] {
		out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(b.Name), CreationDate: b.CreationDate, BucketRegion: aws.String(b.Region)})
	}
	return c.writeS3("ListAllMyBucketsResult", out, s3Namespace)
}

// bucket finds the bucket of the call. Unless anyRegion, a bucket in
// another region is answered with S3's PermanentRedirect.
func (c *call) bucket(anyRegion bool) (*Bucket, error) {
	name, _ := bucketName(c.r)
	ref, ok := c.idx.buckets[name]
	if !ok {
		e := errorf(404, "NoSuchBucket", "The specified bucket does not exist")
		e.fields = [][2]string{{"BucketName", name}}
		return nil, e
	}
	if !anyRegion && ref.bucket.Region != c.region {
		e := errorf(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
		e.fields = [][2]string{{"Endpoint", name + ".s3." + ref.bucket.Region + ".amazonaws.com"}, {"Bucket", name}}
		e.header = http.Header{"X-Amz-Bucket-Region": {ref.bucket.Region}}
		return nil, e
	}
	if ref.account != c.ident.account {
		return nil, errorf(403, "AccessDenied", "Access Denied")
	}
	return ref.bucket, nil
}

func s3GetBucketLocation(c *call) error {
	b, err := c.bucket(true)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(xmlHeader + `<LocationConstraint xmlns="` + s3Namespace + `">`)
	if b.Region != "us-east-1" {
		_ = xml.EscapeText(&buf, []byte(b.Region))
	}
	buf.WriteString("</LocationConstraint>")
	c.writeXML(http.StatusOK, buf.Bytes(), nil)
	return nil
}

func s3HeadBucket(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	c.writeXML(http.StatusOK, nil, http.Header{
		"X-Amz-Bucket-Region":      {b.Region},
		"X-Amz-Access-Point-Alias": {"false"},
	})
	return nil
}

func s3GetPublicAccessBlock(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	if b.PublicAccessBlock == nil {
		e := errorf(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		e.fields = [][2]string{{"BucketName", b.Name}}
		return e
	}
	return c.writeS3("PublicAccessBlockConfiguration", b.PublicAccessBlock, s3Namespace)
}

func noSuchBucketPolicy(b *Bucket) error {
	e := errorf(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
	e.fields = [][2]string{{"BucketName", b.Name}}
	return e
}

func s3GetBucketPolicy(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return noSuchBucketPolicy(b)
	}
	c.s3Headers()
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b.Policy)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte(b.Policy))
	return nil
}

// policyIsPublic is S3's verdict, simplified: an Allow statement without
// a Condition whose principal is "*" (or AWS "*") makes a policy public.
func policyIsPublic(doc string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]json.RawMessage{one}
	}
	for _, s := range stmts {
		var effect string
		_ = json.Unmarshal(s["Effect"], &effect)
		if effect != "Allow" || s["Condition"] != nil {
			continue
		}
		var principal any
		_ = json.Unmarshal(s["Principal"], &principal)
		switch pr := principal.(type) {
		case string:
			if pr == "*" {
				return true
			}
		case map[string]any:
			switch aws := pr["AWS"].(type) {
			case string:
				if aws == "*" {
					return true
				}
			case []any:
				for _, x := range aws {
					if x == "*" {
						return true
					}
				}
			}
		}
	}
	return false
}

func s3GetBucketPolicyStatus(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return noSuchBucketPolicy(b)
	}
	st := b.PolicyStatus
	if st == nil {
		st = &s3types.PolicyStatus{IsPublic: aws.Bool(policyIsPublic(b.Policy))}
	}
	return c.writeS3("PolicyStatus", st, s3Namespace)
}

func s3GetBucketAcl(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	return c.writeS3("AccessControlPolicy", &s3.GetBucketAclOutput{Owner: b.Acl.Owner, Grants: b.Acl.Grants}, s3Namespace)
}

func s3GetBucketEncryption(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	if b.ServerSideEncryptionConfiguration == nil {
		e := errorf(404, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
		e.fields = [][2]string{{"BucketName", b.Name}}
		return e
	}
	return c.writeS3("ServerSideEncryptionConfiguration", b.ServerSideEncryptionConfiguration, s3Namespace)
}

func s3GetBucketVersioning(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	out := &s3.GetBucketVersioningOutput{}
	if v := b.Versioning; v != nil {
		out.Status, out.MFADelete = v.Status, v.MFADelete
	}
	return c.writeS3("VersioningConfiguration", out, s3Namespace)
}

func s3GetBucketLogging(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	return c.writeS3("BucketLoggingStatus", &s3.GetBucketLoggingOutput{LoggingEnabled: b.LoggingEnabled}, s3Namespace)
}

func s3GetBucketTagging(c *call) error {
	b, err := c.bucket(false)
	if err != nil {
		return err
	}
	if len(b.Tags) == 0 {
		e := errorf(404, "NoSuchTagSet", "The TagSet does not exist")
		e.fields = [][2]string{{"BucketName", b.Name}}
		return e
	}
	return c.writeS3("Tagging", &s3.GetBucketTaggingOutput{TagSet: b.Tags}, s3Namespace)
}

const s3ControlNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// s3controlGetPublicAccessBlock serves the account-level Block Public
// Access setting. The account comes from the x-amz-account-id header (or,
// when a client does put it there, the first label of the host).
func s3controlGetPublicAccessBlock(c *call) error {
	acct := c.r.Header.Get("X-Amz-Account-Id")
	if acct == "" {
		if label, _, ok := strings.Cut(c.r.Host, "."); ok && accountIDRe.MatchString(label) {
			acct = label
		}
	}
	if acct == "" {
		return errorf(400, "InvalidRequest", "Missing x-amz-account-id header")
	}
	if acct != c.ident.account.Id {
		return errorf(403, "AccessDenied", "Access Denied")
	}
	pab := c.ident.account.S3.PublicAccessBlock
	if pab == nil {
		return errorf(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return c.writeS3("PublicAccessBlockConfiguration", &s3controltypes.PublicAccessBlockConfiguration{
		BlockPublicAcls:       pab.BlockPublicAcls,
		IgnorePublicAcls:      pab.IgnorePublicAcls,
		BlockPublicPolicy:     pab.BlockPublicPolicy,
		RestrictPublicBuckets: pab.RestrictPublicBuckets,
	}, s3ControlNamespace)
}
