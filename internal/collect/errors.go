package collect

import (
	"context"
	"errors"
	"net"
	"strings"
)

// Code is the provider-neutral reason a call failed. It is what
// Diagnostic.Code and asset.FieldError.Code carry, so that reports and the
// engine can group failures without knowing each cloud's error vocabulary.
type Code string

const (
	// CodeAccessDenied: the caller is authenticated but not allowed (an IAM
	// policy, an SCP, a key policy).
	CodeAccessDenied Code = "AccessDenied"
	// CodeUnauthenticated: the credentials were rejected or have expired.
	CodeUnauthenticated Code = "Unauthenticated"
	// CodeThrottling: the provider still refused the call for rate reasons
	// after every retry.
	CodeThrottling Code = "Throttling"
	// CodeNotFound: the resource (or the setting) does not exist.
	CodeNotFound Code = "NotFound"
	// CodeUnreachable: no answer (DNS, connection, timeout).
	CodeUnreachable Code = "Unreachable"
	// CodeServerError: the provider failed (5xx) after every retry.
	CodeServerError Code = "ServerError"
	// CodeInvalidRequest: the provider rejected the request itself.
	CodeInvalidRequest Code = "InvalidRequest"
	// CodeNotEnabled: the region or service is not enabled (opt-in).
	CodeNotEnabled Code = "NotEnabled"
	// CodeCanceled: the scan was canceled or ran out of time.
	CodeCanceled Code = "Canceled"
	// CodeInvalidResponse: an answer arrived but could not be understood
	// (e.g. a policy document that is not JSON).
	CodeInvalidResponse Code = "InvalidResponse"
	// CodeNotCollected: the part was deliberately not collected (its
	// service was not selected for the scan).
	CodeNotCollected Code = "NotCollected"
	CodeUnknown      Code = "Unknown"
)

// ErrorInfo is a classified error.
type ErrorInfo struct {
	Code Code
	// ProviderCode is the cloud's own error code, e.g. "UnauthorizedOperation".
	ProviderCode string
	// HTTPStatus is the status of the last response, 0 when none arrived.
	HTTPStatus int
	// Message is the provider's message, or the error text when there is
	// no provider message.
	Message string
}

// String renders the info for a diagnostic message: the provider code (when
// there is one) and the message.
func (e ErrorInfo) String() string {
	switch {
	case e.ProviderCode == "":
		return e.Message
	case e.Message == "":
		return e.ProviderCode
	default:
		return e.ProviderCode + ": " + e.Message
	}
}

// CodeTable maps a provider error code to a Code; ok is false when the
// table does not know the code and the HTTP status should decide.
type CodeTable func(providerCode string) (code Code, ok bool)

// Interfaces the SDKs' error types satisfy. Matching on behaviour keeps
// this package free of SDK imports.
type (
	apiError interface {
		ErrorCode() string
		ErrorMessage() string
	}
	httpStatusError interface {
		HTTPStatusCode() int
	}
)

// Classify turns an error returned by an SDK call into an ErrorInfo. The
// table decides from the provider's error code; failing that, the HTTP
// status and the Go error type do.
func Classify(err error, table CodeTable) ErrorInfo {
	if err == nil {
		return ErrorInfo{}
	}
	info := ErrorInfo{Code: CodeUnknown, Message: err.Error()}
	var st httpStatusError
	if errors.As(err, &st) {
		info.HTTPStatus = st.HTTPStatusCode()
	}
	var api apiError
	if errors.As(err, &api) {
		info.ProviderCode = api.ErrorCode()
		if m := api.ErrorMessage(); m != "" {
			info.Message = m
		}
		if table != nil {
			if c, ok := table(info.ProviderCode); ok {
				info.Code = c
				return info
			}
		}
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		info.Code = CodeCanceled
	case info.HTTPStatus == 401:
		info.Code = CodeUnauthenticated
	case info.HTTPStatus == 403:
		info.Code = CodeAccessDenied
	case info.HTTPStatus == 404:
		info.Code = CodeNotFound
	case info.HTTPStatus == 429:
		info.Code = CodeThrottling
	case info.HTTPStatus >= 500:
		info.Code = CodeServerError
	case info.HTTPStatus >= 400:
		info.Code = CodeInvalidRequest
	case info.HTTPStatus == 0 && isNetError(err):
		info.Code = CodeUnreachable
	}
	return info
}

func isNetError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// Connection resets and truncated bodies surface as plain errors
	// wrapped by the transport.
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "connection refused") ||
		strings.Contains(s, "unexpected EOF")
}
