package aws

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

const reportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

func TestParseCredentialReport(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		wantRoot awsshape.RootCredentials
		wantErr  string
	}{
		{
			name: "root without MFA, with a used key",
			csv: reportHeader + "\n" +
				"<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-05-01T10:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,2026-10-01T12:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
				"alice,arn:aws:iam::111122223333:user/alice,2024-01-10T09:00:00+00:00,true,2026-10-30T08:00:00+00:00,2024-01-10T09:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
			wantRoot: awsshape.RootCredentials{Arn: "arn:aws:iam::111122223333:root", PasswordEnabled: true, PasswordLastUsed: p("2026-05-01T10:00:00Z"),
				AccessKey1Active: true, AccessKey1LastUsedDate: p("2026-10-01T12:00:00Z")},
		},
		{
			name: "root that never logged in, with MFA",
			csv: reportHeader + "\n" +
				"<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
			wantRoot: awsshape.RootCredentials{Arn: "arn:aws:iam::111122223333:root", PasswordEnabled: true, MfaActive: true},
		},
		{name: "empty", csv: "", wantErr: "empty"},
		{name: "missing column", csv: "user,arn\n", wantErr: `no "password_enabled" column`},
		{name: "ragged row", csv: reportHeader + "\nalice,arn\n", wantErr: "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseCredentialReport([]byte(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rootCredentials(rows[rootUser]); !reflect.DeepEqual(got, tt.wantRoot) {
				t.Errorf("root = %+v, want %+v", got, tt.wantRoot)
			}
		})
	}
}
