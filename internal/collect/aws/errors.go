package aws

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/parapet-dev/parapet/internal/collect"
)

// awsCodes classifies AWS error codes. Codes not listed fall through to the
// pattern rules in classifyCode, then to the HTTP status.
var awsCodes = map[string]collect.Code{
	"AccessDenied":                      collect.CodeAccessDenied,
	"AccessDeniedException":             collect.CodeAccessDenied,
	"UnauthorizedOperation":             collect.CodeAccessDenied,
	"UnauthorizedAccess":                collect.CodeAccessDenied,
	"AuthorizationError":                collect.CodeAccessDenied,
	"AuthorizationErrorException":       collect.CodeAccessDenied,
	"Forbidden":                         collect.CodeAccessDenied,
	"AWSOrganizationsNotInUseException": collect.CodeNotEnabled,
	"OptInRequired":                     collect.CodeNotEnabled,
	"SubscriptionRequiredException":     collect.CodeNotEnabled,

	"InvalidClientTokenId":        collect.CodeUnauthenticated,
	"UnrecognizedClientException": collect.CodeUnauthenticated,
	"AuthFailure":                 collect.CodeUnauthenticated,
	"ExpiredToken":                collect.CodeUnauthenticated,
	"ExpiredTokenException":       collect.CodeUnauthenticated,
	"InvalidAccessKeyId":          collect.CodeUnauthenticated,
	"SignatureDoesNotMatch":       collect.CodeUnauthenticated,
	"IncompleteSignature":         collect.CodeUnauthenticated,
	"MissingAuthenticationToken":  collect.CodeUnauthenticated,

	// The SDK's own list of throttling codes (aws/retry), minus the IAM
	// quota error LimitExceeded, which is not about request rate.
	"Throttling":                             collect.CodeThrottling,
	"ThrottlingException":                    collect.CodeThrottling,
	"ThrottledException":                     collect.CodeThrottling,
	"RequestThrottledException":              collect.CodeThrottling,
	"TooManyRequestsException":               collect.CodeThrottling,
	"ProvisionedThroughputExceededException": collect.CodeThrottling,
	"TransactionInProgressException":         collect.CodeThrottling,
	"RequestLimitExceeded":                   collect.CodeThrottling,
	"BandwidthLimitExceeded":                 collect.CodeThrottling,
	"RequestThrottled":                       collect.CodeThrottling,
	"SlowDown":                               collect.CodeThrottling,
	"PriorRequestNotComplete":                collect.CodeThrottling,
	"EC2ThrottledException":                  collect.CodeThrottling,

	"InternalError":               collect.CodeServerError,
	"InternalFailure":             collect.CodeServerError,
	"InternalServerError":         collect.CodeServerError,
	"ServiceUnavailable":          collect.CodeServerError,
	"ServiceUnavailableException": collect.CodeServerError,
	"ServiceFailure":              collect.CodeServerError,
	"ServiceFailureException":     collect.CodeServerError,
	"KMSInternalException":        collect.CodeServerError,
	"Unavailable":                 collect.CodeServerError,
	"RequestTimeout":              collect.CodeUnreachable,
	"RequestTimeoutException":     collect.CodeUnreachable,

	"NoSuchEntity":              collect.CodeNotFound,
	"NoSuchBucket":              collect.CodeNotFound,
	"NotFoundException":         collect.CodeNotFound,
	"ResourceNotFoundException": collect.CodeNotFound,
	"TrailNotFoundException":    collect.CodeNotFound,
	"DBInstanceNotFound":        collect.CodeNotFound,
	"DBInstanceNotFoundFault":   collect.CodeNotFound,
	"LoadBalancerNotFound":      collect.CodeNotFound,
	"ListenerNotFound":          collect.CodeNotFound,
	"ReportNotPresent":          collect.CodeNotFound,
}

func classifyCode(code string) (collect.Code, bool) {
	if c, ok := awsCodes[code]; ok {
		return c, true
	}
	switch {
	case strings.HasPrefix(code, "NoSuch"),
		strings.HasSuffix(code, ".NotFound"), // EC2: InvalidVpcID.NotFound
		strings.HasSuffix(code, "NotFoundException"),
		strings.HasSuffix(code, "NotFoundError"),
		strings.HasSuffix(code, "NotFoundFault"):
		return collect.CodeNotFound, true
	case strings.HasSuffix(code, "AccessDenied"), strings.HasSuffix(code, "AccessDeniedException"):
		return collect.CodeAccessDenied, true
	case strings.HasPrefix(code, "Invalid"), strings.HasPrefix(code, "Malformed"),
		strings.HasSuffix(code, "ValidationException"), code == "ValidationError":
		return collect.CodeInvalidRequest, true
	}
	return "", false
}

// classify turns an SDK error into collect's provider-neutral form.
func classify(err error) collect.ErrorInfo { return collect.Classify(err, classifyCode) }

// errorCode is the AWS error code of err, "" when it carries none.
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// hasCode reports whether err is an AWS error with one of the codes.
func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}
