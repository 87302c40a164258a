package cloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/parapet-dev/parapet/internal/cloudsim/wire"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	protoEC2       protocol = iota // ec2Query
	protoQuery                     // awsQuery (IAM, STS, RDS, ELB, ELBv2)
	protoJSON                      // awsJson1_1 (CloudTrail, KMS, Config, Organizations, ECR)
	protoRestJSON                  // restJson1 (GuardDuty, EKS, OpenSearch, Lambda)
	protoS3                        // restXml (S3)
	protoS3Control                 // restXml (S3 Control)
)

// apiError is an error answer in a protocol-neutral form.
type apiError struct {
	status int
	code   string
	msg    string
	// sender is false for server-side faults (awsQuery's Error/Type).
	server bool
	// fields are extra elements of an S3 error (BucketName, Endpoint, ...).
	fields [][2]string
	header http.Header
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// The errors every protocol has, each with its real code and status.

func (p protocol) accessDenied(action, arn string) *apiError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s with an explicit deny in an identity-based policy", arn, action)
	switch p {
	case protoEC2:
		return errorf(403, "UnauthorizedOperation", "You are not authorized to perform this operation. %s", msg)
	case protoQuery:
		return errorf(403, "AccessDenied", "%s", msg)
	case protoJSON:
		return errorf(400, "AccessDeniedException", "%s", msg)
	case protoRestJSON:
		return errorf(403, "AccessDeniedException", "%s", msg)
	default:
		return errorf(403, "AccessDenied", "Access Denied")
	}
}

func (p protocol) throttled() *apiError {
	switch p {
	case protoEC2:
		return errorf(503, "RequestLimitExceeded", "Request limit exceeded.")
	case protoQuery:
		return errorf(400, "Throttling", "Rate exceeded")
	case protoJSON:
		return errorf(400, "ThrottlingException", "Rate exceeded")
	case protoRestJSON:
		return errorf(429, "TooManyRequestsException", "Rate exceeded")
	default:
		return errorf(503, "SlowDown", "Please reduce your request rate.")
	}
}

func (p protocol) serverError(unavailable bool) *apiError {
	var e *apiError
	switch {
	case p == protoEC2 && unavailable:
		e = errorf(503, "Unavailable", "The service is unavailable. Please try again shortly.")
	case p == protoEC2:
		e = errorf(500, "InternalError", "An internal error has occurred.")
	case p == protoRestJSON:
		e = errorf(500, "InternalServerErrorException", "Internal server error.")
	case (p == protoS3 || p == protoS3Control) && unavailable:
		e = errorf(503, "ServiceUnavailable", "Please reduce your request rate.")
	case p == protoS3 || p == protoS3Control:
		e = errorf(500, "InternalError", "We encountered an internal error. Please try again.")
	case unavailable:
		e = errorf(503, "ServiceUnavailable", "Service is unavailable.")
	default:
		e = errorf(500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
	}
	e.server = true
	return e
}

func (p protocol) invalidToken(detail string) *apiError {
	switch p {
	case protoEC2:
		return errorf(401, "AuthFailure", "AWS was not able to validate the provided access credentials%s", detail)
	case protoQuery:
		return errorf(403, "InvalidClientTokenId", "The security token included in the request is invalid%s", detail)
	case protoJSON:
		return errorf(400, "UnrecognizedClientException", "The security token included in the request is invalid%s", detail)
	case protoRestJSON:
		return errorf(403, "UnrecognizedClientException", "The security token included in the request is invalid%s", detail)
	default:
		return errorf(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records%s", detail)
	}
}

func (p protocol) expiredToken() *apiError {
	switch p {
	case protoEC2:
		return errorf(400, "RequestExpired", "Request has expired.")
	case protoQuery:
		return errorf(403, "ExpiredToken", "The security token included in the request is expired")
	case protoJSON:
		return errorf(400, "ExpiredTokenException", "The security token included in the request is expired")
	case protoRestJSON:
		return errorf(403, "ExpiredTokenException", "The security token included in the request is expired")
	default:
		return errorf(400, "ExpiredToken", "The provided token has expired.")
	}
}

func (p protocol) missingAuth() *apiError {
	switch p {
	case protoEC2:
		return errorf(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
	case protoQuery:
		return errorf(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case protoJSON:
		return errorf(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
	case protoRestJSON:
		return errorf(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
	default:
		return errorf(403, "AccessDenied", "Access Denied")
	}
}

func (p protocol) unknownOperation(op string) *apiError {
	switch p {
	case protoEC2, protoQuery:
		return errorf(400, "InvalidAction", "The action %s is not valid for this web service.", op)
	case protoJSON:
		return errorf(400, "UnknownOperationException", "%s", "")
	case protoRestJSON:
		return errorf(404, "UnknownOperationException", "Unknown operation %s", op)
	default:
		return errorf(501, "NotImplemented", "A header you provided implies functionality that is not implemented")
	}
}

// invalidParameter is the service's error for a bad request parameter.
func (c *call) invalidParameter(format string, args ...any) *apiError {
	switch c.service {
	case "rds":
		return errorf(400, "InvalidParameterValue", format, args...)
	case "ecr", "eks":
		return errorf(400, "InvalidParameterException", format, args...)
	case "lambda":
		return errorf(400, "InvalidParameterValueException", format, args...)
	case "opensearch":
		return errorf(400, "ValidationException", format, args...)
	}
	return c.proto.invalidParameter(format, args...)
}

// invalidParameter is the protocol's error for a bad request parameter.
func (p protocol) invalidParameter(format string, args ...any) *apiError {
	switch p {
	case protoEC2:
		return errorf(400, "InvalidParameterValue", format, args...)
	case protoQuery:
		return errorf(400, "ValidationError", format, args...)
	case protoJSON:
		return errorf(400, "ValidationException", format, args...)
	case protoRestJSON:
		return errorf(400, "BadRequestException", format, args...)
	default:
		return errorf(400, "InvalidArgument", format, args...)
	}
}

var queryNamespaces = map[string]string{
	"iam":   "https://iam.amazonaws.com/doc/2010-05-08/",
	"sts":   "https://sts.amazonaws.com/doc/2011-06-15/",
	"rds":   "http://rds.amazonaws.com/doc/2014-10-31/",
	"elbv2": "http://elasticloadbalancing.amazonaws.com/doc/" + elbv2Version + "/",
	"elb":   "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/",
}

// elbv2Version is the API version of Elastic Load Balancing v2 requests.
const elbv2Version = "2015-12-01"

const (
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	s3Namespace  = "http://s3.amazonaws.com/doc/2006-03-01/"
	xmlHeader    = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
)

// writeError answers a call with e in the call's protocol.
func (c *call) writeError(e *apiError) {
	h := c.w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	var buf bytes.Buffer
	switch c.proto {
	case protoEC2:
		buf.WriteString(xmlHeader + "<Response><Errors><Error>")
		wire.Text(&buf, "Code", e.code)
		wire.Text(&buf, "Message", e.msg)
		buf.WriteString("</Error></Errors>")
		wire.Text(&buf, "RequestID", c.reqID)
		buf.WriteString("</Response>")
		h.Set("Content-Type", "text/xml;charset=UTF-8")
	case protoQuery:
		fmt.Fprintf(&buf, `<ErrorResponse xmlns="%s"><Error>`, queryNamespaces[c.service])
		typ := "Sender"
		if e.server {
			typ = "Receiver"
		}
		wire.Text(&buf, "Type", typ)
		wire.Text(&buf, "Code", e.code)
		wire.Text(&buf, "Message", e.msg)
		buf.WriteString("</Error>")
		wire.Text(&buf, "RequestId", c.reqID)
		buf.WriteString("</ErrorResponse>")
		h.Set("Content-Type", "text/xml")
		h.Set("X-Amzn-Requestid", c.reqID)
	case protoJSON, protoRestJSON:
		body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.msg})
		buf.Write(body)
		h.Set("X-Amzn-Errortype", e.code)
		h.Set("X-Amzn-Requestid", c.reqID)
		if c.proto == protoJSON {
			h.Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			h.Set("Content-Type", "application/json")
		}
	case protoS3, protoS3Control:
		if c.r.Method != http.MethodHead {
			buf.WriteString(xmlHeader)
			if c.proto == protoS3Control {
				buf.WriteString("<ErrorResponse>")
			}
			buf.WriteString("<Error>")
			wire.Text(&buf, "Code", e.code)
			wire.Text(&buf, "Message", e.msg)
			for _, f := range e.fields {
				wire.Text(&buf, f[0], f[1])
			}
			if c.proto == protoS3Control {
				buf.WriteString("</Error>")
			}
			wire.Text(&buf, "RequestId", c.reqID)
			wire.Text(&buf, "HostId", c.hostID())
			if c.proto == protoS3Control {
				buf.WriteString("</ErrorResponse>")
			} else {
				buf.WriteString("</Error>")
			}
			h.Set("Content-Type", "application/xml")
		}
		c.s3Headers()
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(e.status)
	_, _ = c.w.Write(buf.Bytes())
}

func (c *call) hostID() string { return stableID("", 52, "host", c.reqID) }

func (c *call) s3Headers() {
	h := c.w.Header()
	h.Set("X-Amz-Request-Id", c.reqID)
	h.Set("X-Amz-Id-2", c.hostID())
}

// writeOutput answers a call with the SDK output struct out, encoded for
// the call's protocol.
func (c *call) writeOutput(out any) error {
	var buf bytes.Buffer
	h := c.w.Header()
	o := wire.Options{Shift: c.shift}
	switch c.proto {
	case protoEC2:
		fmt.Fprintf(&buf, `%s<%sResponse xmlns="%s">`, xmlHeader, c.op, ec2Namespace)
		wire.Text(&buf, "requestId", c.reqID)
		if err := wire.XMLMembers(&buf, out, o); err != nil {
			return err
		}
		fmt.Fprintf(&buf, "</%sResponse>", c.op)
		h.Set("Content-Type", "text/xml;charset=UTF-8")
	case protoQuery:
		fmt.Fprintf(&buf, `<%sResponse xmlns="%s"><%sResult>`, c.op, queryNamespaces[c.service], c.op)
		if err := wire.XMLMembers(&buf, out, o); err != nil {
			return err
		}
		fmt.Fprintf(&buf, "</%sResult><ResponseMetadata>", c.op)
		wire.Text(&buf, "RequestId", c.reqID)
		fmt.Fprintf(&buf, "</ResponseMetadata></%sResponse>", c.op)
		h.Set("Content-Type", "text/xml")
		h.Set("X-Amzn-Requestid", c.reqID)
	case protoJSON, protoRestJSON:
		if s, ok := out.(wire.Serializable); ok {
			buf.Write(wire.SchemaJSON(s, o))
		} else if err := wire.JSON(&buf, out, o); err != nil {
			return err
		}
		h.Set("X-Amzn-Requestid", c.reqID)
		if c.proto == protoJSON {
			h.Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			h.Set("Content-Type", "application/json")
		}
	default:
		return fmt.Errorf("writeOutput: protocol %d writes its own bodies", c.proto)
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return nil
}

// writeXML answers an S3 or S3 Control call with an XML document.
func (c *call) writeXML(status int, body []byte, header http.Header) {
	h := c.w.Header()
	for k, v := range header {
		h[k] = v
	}
	c.s3Headers()
	if body != nil {
		h.Set("Content-Type", "application/xml")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
}

// decodeJSON reads a JSON request body into an SDK input struct. The
// standard decoder matches keys case-insensitively, so both the PascalCase
// and the lowerCamel member spellings land in the right fields.
func (c *call) decodeJSON(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf(400, "SerializationException", "cannot parse request: %v", err)
	}
	return nil
}
