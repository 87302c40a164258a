package aws

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

// credRow is one row of the IAM credential report, by column name.
type credRow map[string]string

// rootUser is the credential report's name for the root user.
const rootUser = "<root_account>"

// maxReportWait bounds how long the collector waits for AWS to generate
// the credential report.
const maxReportWait = 5 * time.Minute

var errReportNotReady = errors.New("credential report was not ready in time")

// credentialReport generates the IAM credential report and reads it. AWS
// regenerates a report at most every four hours, so its rows can be that
// old; the report says when it was generated.
func (u *unit) credentialReport(ctx context.Context, api iamAPI) (map[string]credRow, error) {
	wait := u.c.opts.ReportPollInterval
	deadline := time.Now().Add(maxReportWait)
	for {
		var gen *iam.GenerateCredentialReportOutput
		err := u.call(ctx, u.home, "iam:GenerateCredentialReport", func(ctx context.Context) (err error) {
			gen, err = api.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
			return err
		})
		if err != nil {
			return nil, err
		}
		if gen.State == iamtypes.ReportStateTypeComplete {
			var out *iam.GetCredentialReportOutput
			err := u.call(ctx, u.home, "iam:GetCredentialReport", func(ctx context.Context) (err error) {
				out, err = api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
				return err
			})
			switch {
			case err == nil:
				rows, err := parseCredentialReport(out.Content)
				if err != nil {
					return nil, &callError{action: "iam:GetCredentialReport", err: err}
				}
				return rows, nil
			case !hasCode(err, "ReportInProgress", "ReportExpired", "ReportNotPresent"):
				return nil, err
			}
			// The report expired or is being regenerated: ask again.
		}
		if time.Now().After(deadline) {
			return nil, &callError{action: "iam:GenerateCredentialReport", err: errReportNotReady}
		}
		select {
		case <-ctx.Done():
			return nil, &callError{action: "iam:GenerateCredentialReport", err: ctx.Err()}
		case <-time.After(wait):
		}
		wait = min(2*wait, 4*time.Second)
	}
}

// parseCredentialReport reads the report CSV into rows keyed by user name.
func parseCredentialReport(content []byte) (map[string]credRow, error) {
	recs, err := csv.NewReader(bytes.NewReader(content)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("credential report: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("credential report is empty")
	}
	header := recs[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"user", "arn", "password_enabled", "mfa_active"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("credential report has no %q column", need)
		}
	}
	rows := make(map[string]credRow, len(recs)-1)
	for n, rec := range recs[1:] {
		if len(rec) != len(header) {
			return nil, fmt.Errorf("credential report line %d: %d fields, header has %d", n+2, len(rec), len(header))
		}
		row := credRow{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows[row["user"]] = row
	}
	return rows, nil
}

func (r credRow) bool(col string) bool { return r[col] == "true" }

// date returns a report date as RFC 3339 UTC; nil for N/A,
// no_information, not_supported and empty cells.
func (r credRow) date(col string) *string {
	v := r[col]
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// rootCredentials adapts the root user's report row.
func rootCredentials(r credRow) awsshape.RootCredentials {
	return awsshape.RootCredentials{
		Arn: r["arn"],
		// The report always says not_supported for root's password: root
		// has one unless it was deleted through centralized root access,
		// which the report shows as false.
		PasswordEnabled:        r["password_enabled"] == "true" || r["password_enabled"] == "not_supported",
		PasswordLastUsed:       r.date("password_last_used"),
		MfaActive:              r.bool("mfa_active"),
		AccessKey1Active:       r.bool("access_key_1_active"),
		AccessKey1LastUsedDate: r.date("access_key_1_last_used_date"),
		AccessKey2Active:       r.bool("access_key_2_active"),
		AccessKey2LastUsedDate: r.date("access_key_2_last_used_date"),
		Cert1Active:            r.bool("cert_1_active"),
		Cert2Active:            r.bool("cert_2_active"),
	}
}
