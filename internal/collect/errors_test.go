package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

// apiErr mimics an SDK API error (smithy.APIError) and, when status is
// set, an HTTP response error.
type apiErr struct {
	code, msg string
}

func (e apiErr) Error() string        { return e.code + ": " + e.msg }
func (e apiErr) ErrorCode() string    { return e.code }
func (e apiErr) ErrorMessage() string { return e.msg }

type statusErr struct {
	status int
	err    error
}

func (e statusErr) Error() string       { return fmt.Sprintf("status %d: %v", e.status, e.err) }
func (e statusErr) HTTPStatusCode() int { return e.status }
func (e statusErr) Unwrap() error       { return e.err }

func table(code string) (Code, bool) {
	switch code {
	case "AccessDenied":
		return CodeAccessDenied, true
	case "Throttling":
		return CodeThrottling, true
	}
	return "", false
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		want     Code
		provider string
		status   int
		message  string
	}{
		{"table code", fmt.Errorf("op: %w", statusErr{403, apiErr{"AccessDenied", "no"}}), CodeAccessDenied, "AccessDenied", 403, "no"},
		{"throttling after retries", fmt.Errorf("max attempts: %w", statusErr{400, apiErr{"Throttling", "slow"}}), CodeThrottling, "Throttling", 400, "slow"},
		{"unknown code, 404", statusErr{404, apiErr{"Gone", "gone"}}, CodeNotFound, "Gone", 404, "gone"},
		{"unknown code, 403", statusErr{403, apiErr{"Nope", ""}}, CodeAccessDenied, "Nope", 403, "status 403: Nope: "},
		{"401", statusErr{401, errors.New("x")}, CodeUnauthenticated, "", 401, "status 401: x"},
		{"429", statusErr{429, errors.New("x")}, CodeThrottling, "", 429, "status 429: x"},
		{"503", statusErr{503, errors.New("x")}, CodeServerError, "", 503, "status 503: x"},
		{"400", statusErr{400, apiErr{"Weird", "w"}}, CodeInvalidRequest, "Weird", 400, "w"},
		{"canceled", fmt.Errorf("call: %w", context.Canceled), CodeCanceled, "", 0, "call: context canceled"},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), CodeCanceled, "", 0, "call: context deadline exceeded"},
		{"dial", fmt.Errorf("send: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), CodeUnreachable, "", 0, "send: dial tcp: connection refused"},
		{"other", errors.New("boom"), CodeUnknown, "", 0, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.err, table)
			if got.Code != tt.want || got.ProviderCode != tt.provider || got.HTTPStatus != tt.status || got.Message != tt.message {
				t.Errorf("Classify = %+v, want code %s provider %q status %d message %q", got, tt.want, tt.provider, tt.status, tt.message)
			}
		})
	}
	if got := Classify(nil, table); got != (ErrorInfo{}) {
		t.Errorf("Classify(nil) = %+v", got)
	}
}

func TestErrorInfoString(t *testing.T) {
	tests := []struct {
		info ErrorInfo
		want string
	}{
		{ErrorInfo{ProviderCode: "AccessDenied", Message: "no"}, "AccessDenied: no"},
		{ErrorInfo{ProviderCode: "AccessDenied"}, "AccessDenied"},
		{ErrorInfo{Message: "boom"}, "boom"},
	}
	for _, tt := range tests {
		if got := tt.info.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.info, got, tt.want)
		}
	}
}
