package cloudsim

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// credentialReportColumns is the header of IAM's credential report.
var credentialReportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

func iamGenerateCredentialReport(c *call) error {
	c.s.sessMu.Lock()
	_, had := c.s.reports[c.ident.account.Id]
	c.s.reports[c.ident.account.Id] = c.now
	c.s.sessMu.Unlock()
	out := &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete}
	if !had {
		out.State = iamtypes.ReportStateTypeStarted
		out.Description = aws.String("No report exists. Starting a new report generation task")
	}
	return c.writeOutput(out)
}

func iamGetCredentialReport(c *call) error {
	c.s.sessMu.Lock()
	generated, ok := c.s.reports[c.ident.account.Id]
	c.s.sessMu.Unlock()
	if !ok {
		return errorf(410, "ReportNotPresent", "Credential report not present.")
	}
	content := credentialReport(c.ident.account, c.shift)
	return c.writeOutput(&iam.GetCredentialReportOutput{
		Content:      content,
		ReportFormat: iamtypes.ReportFormatTypeTextCsv,
		// The answer shifts every timestamp; the generation time is real.
		GeneratedTime: aws.Time(generated.Add(-c.shift).UTC().Truncate(time.Second)),
	})
}

// credentialReport builds the CSV report of an account: the root row, then
// one row per user. Dates are shifted like every served timestamp.
func credentialReport(a *Account, shift time.Duration) []byte {
	date := func(t *time.Time, none string) string {
		if t == nil || t.IsZero() {
			return none
		}
		return t.Add(shift).UTC().Format("2006-01-02T15:04:05+00:00")
	}
	orNA := func(s string) string {
		if s == "" {
			return "N/A"
		}
		return s
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)

	root := a.IAM.Root
	row := []string{"<root_account>", "arn:aws:iam::" + a.Id + ":root", date(root.CreateDate, "N/A"),
		"not_supported", date(root.PasswordLastUsed, "no_information"), "not_supported", "not_supported",
		strconv.FormatBool(root.MfaActive)}
	for i := 0; i < 2; i++ {
		if i < len(root.AccessKeys) {
			k := root.AccessKeys[i]
			row = append(row, strconv.FormatBool(k.Active), date(k.LastRotated, "N/A"), date(k.LastUsedDate, "N/A"),
				orNA(k.LastUsedRegion), orNA(k.LastUsedService))
		} else {
			row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
		}
	}
	row = append(row, "false", "N/A", "false", "N/A")
	_ = w.Write(row)

	pp := a.IAM.PasswordPolicy
	for _, u := range a.IAM.Users {
		hasPassword := u.LoginProfile != nil
		row := []string{aws.ToString(u.UserName), aws.ToString(u.Arn), date(u.CreateDate, "N/A"), strconv.FormatBool(hasPassword)}
		if hasPassword {
			next := "N/A"
			if pp != nil && pp.ExpirePasswords && aws.ToInt32(pp.MaxPasswordAge) > 0 && u.PasswordLastChanged != nil {
				t := u.PasswordLastChanged.Add(time.Duration(aws.ToInt32(pp.MaxPasswordAge)) * 24 * time.Hour)
				next = date(&t, "N/A")
			}
			row = append(row, date(u.PasswordLastUsed, "no_information"), date(u.PasswordLastChanged, "N/A"), next)
		} else {
			row = append(row, "N/A", "N/A", "N/A")
		}
		row = append(row, strconv.FormatBool(len(u.MFADevices) > 0))
		for i := 0; i < 2; i++ {
			if i < len(u.AccessKeys) {
				k := u.AccessKeys[i]
				row = append(row, strconv.FormatBool(k.Status == iamtypes.StatusTypeActive), date(k.CreateDate, "N/A"),
					date(k.LastUsedDate, "N/A"), orNA(k.LastUsedRegion), orNA(k.LastUsedService))
			} else {
				row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
			}
		}
		row = append(row, "false", "N/A", "false", "N/A")
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}
