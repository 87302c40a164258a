package cloudsim

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// opSpec is one served operation.
type opSpec struct {
	service, name string
	// action is the IAM action AWS authorizes the call with.
	action string
	// regional operations fail in regions the account has not enabled.
	regional bool
	handler  func(c *call) error
}

// Operation describes a served operation and the IAM action it requires.
type Operation struct {
	// Service is the simulator's name for the API: ec2, iam, sts, rds,
	// cloudtrail, kms, config, organizations, guardduty, s3, s3control,
	// ecr, eks, opensearch, elbv2, elb, lambda.
	Service string
	// Name is the API operation, e.g. GetBucketEncryption.
	Name string
	// Action is the IAM action, e.g. s3:GetEncryptionConfiguration.
	Action string
}

// Operations lists every operation the simulator serves, sorted.
func Operations() []Operation {
	var out []Operation
	for _, o := range operations {
		out = append(out, Operation{Service: o.service, Name: o.name, Action: o.action})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// IAMAction returns the IAM action an operation requires, e.g.
// IAMAction("s3", "GetBucketEncryption") = "s3:GetEncryptionConfiguration".
func IAMAction(service, operation string) (string, bool) {
	o := operations[service+"."+operation]
	if o == nil {
		return "", false
	}
	return o.action, true
}

var operations = map[string]*opSpec{}

func register(service string, regional bool, specs ...opSpec) {
	for _, s := range specs {
		s := s
		s.service, s.regional = service, regional
		if s.action == "" {
			s.action = service + ":" + s.name
		}
		key := service + "." + s.name
		if operations[key] != nil {
			panic("cloudsim: operation registered twice: " + key)
		}
		operations[key] = &s
	}
}

func op(name string, h func(c *call) error) opSpec { return opSpec{name: name, handler: h} }

func opAction(name, action string, h func(c *call) error) opSpec {
	return opSpec{name: name, action: action, handler: h}
}

// page is one page of a paginated list.
type page struct {
	start, end int
	// next is the token of the following page, "" on the last page.
	next string
}

// paginate cuts a list of n items into the page the request asks for.
// token is the request's marker or next token (from an earlier page of
// the same operation), limit the requested page size (0: none given),
// def the page size AWS uses when none is given (0: everything), max
// the largest allowed. A fault PageSize caps the page further.
func (c *call) paginate(n int, token string, limit, def, min, max int) (page, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		prefix := c.op + ":"
		if err != nil || !strings.HasPrefix(string(raw), prefix) {
			return page{}, c.invalidToken(token)
		}
		start, err = strconv.Atoi(string(raw[len(prefix):]))
		if err != nil || start < 0 {
			return page{}, c.invalidToken(token)
		}
	}
	if limit != 0 && (limit < min || (max > 0 && limit > max)) {
		return page{}, c.invalidParameter("Value (%d) for parameter %s is invalid. Expecting a value between %d and %d.", limit, c.limitName(), min, max)
	}
	size := limit
	if size == 0 {
		size = def
	}
	if ps := c.s.faults.get().PageSize; ps > 0 && (size == 0 || ps < size) {
		size = ps
	}
	if start > n {
		start = n
	}
	end := n
	if size > 0 && start+size < n {
		end = start + size
	}
	p := page{start: start, end: end}
	if end < n {
		p.next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d", c.op, end)))
	}
	return p, nil
}

func (c *call) invalidToken(token string) error {
	switch c.proto {
	case protoEC2:
		return errorf(400, "InvalidParameterValue", "Invalid value '%s' for nextToken", token)
	case protoQuery:
		if c.service == "rds" {
			return errorf(400, "InvalidParameterValue", "Invalid marker: %s", token)
		}
		return errorf(400, "ValidationError", "Invalid Marker: %s", token)
	case protoJSON:
		switch c.service {
		case "kms":
			return errorf(400, "InvalidMarkerException", "Invalid marker: %s", token)
		case "ecr":
			return errorf(400, "InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid pagination token'")
		}
		return errorf(400, "InvalidInputException", "Invalid pagination token: %s", token)
	case protoRestJSON:
		switch c.service {
		case "eks":
			return errorf(400, "InvalidParameterException", "The nextToken is invalid.")
		case "lambda":
			return errorf(400, "InvalidParameterValueException", "Invalid marker: %s", token)
		}
		return errorf(400, "BadRequestException", "The request is rejected because the nextToken is invalid.")
	default:
		return errorf(400, "InvalidArgument", "The continuation token provided is incorrect")
	}
}

func (c *call) limitName() string {
	switch c.service {
	case "ec2":
		return "maxResults"
	case "iam":
		return "MaxItems"
	case "rds":
		return "MaxRecords"
	case "kms":
		return "Limit"
	case "s3":
		return "max-buckets"
	case "ecr", "eks":
		return "maxResults"
	case "lambda":
		return "MaxItems"
	case "elb", "elbv2":
		return "PageSize"
	}
	return "MaxResults"
}

// formInt reads an integer query parameter; 0 when absent.
func (c *call) formInt(name string) (int, error) {
	v := c.form.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, c.invalidParameter("Value (%s) for parameter %s is invalid.", v, name)
	}
	return n, nil
}

// formList reads a query-protocol list: Name.1, Name.2, ... (EC2), or
// Name.member.1, ... (AWS query).
func (c *call) formList(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.form[fmt.Sprintf("%s.%d", name, i)]
		if !ok {
			v, ok = c.form[fmt.Sprintf("%s.member.%d", name, i)]
		}
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

func (c *call) formBool(name string) bool {
	return strings.EqualFold(c.form.Get(name), "true")
}
