package secrets

import (
	"reflect"
	"strings"
	"testing"
)

func TestScanText(t *testing.T) {
	userData := strings.Join([]string{
		"#!/bin/bash", // 1
		"export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",                         // 2
		"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", // 3
		"DB_PASSWORD=${DB_PASSWORD}",                                            // 4: a reference, not a secret
		"mysql -u admin --password=S3cr3tP@ss",                                  // 5
		"-----BEGIN RSA PRIVATE KEY-----",                                       // 6
		"echo done",                                                             // 7
		"api_key: <your key here>",                                              // 8: placeholder
		"GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",                 // 9
	}, "\n")
	got := ScanText(userData)
	want := []Finding{
		{Kind: "aws-access-key-id", Location: "line 2", Line: 2},
		{Kind: "aws-secret-access-key", Location: "line 3", Line: 3},
		{Kind: "password", Location: "line 5", Line: 5},
		{Kind: "private-key", Location: "line 6", Line: 6},
		{Kind: "github-token", Location: "line 9", Line: 9},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ScanText:\n got %+v\nwant %+v", got, want)
	}
}

func TestScanValue(t *testing.T) {
	cases := []struct {
		name, value string
		want        string // kind, "" for none
	}{
		{"DB_PASSWORD", "hunter2hunter2", "password"},
		{"DB_PASSWORD", "", ""},
		{"DB_PASSWORD", "${var.db_password}", ""},
		{"DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:1:secret:db", ""},
		{"DB_PASSWORD", "{{resolve:secretsmanager:db}}", ""},
		{"access_key", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"},
		{"secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"},
		{"LOG_LEVEL", "debug", ""},
		{"STRIPE_API_KEY", "sk_live_abcdefghijkl", "token"},
		{"region", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"},
		{"password", "var.password", ""},
		{"password", "abc", ""},
	}
	for _, c := range cases {
		got := ScanValue(c.name, c.value)
		kind := ""
		if len(got) == 1 {
			kind = got[0].Kind
			if got[0].Location != c.name {
				t.Errorf("%s: location %q", c.name, got[0].Location)
			}
		}
		if kind != c.want || len(got) > 1 {
			t.Errorf("ScanValue(%q, %q) = %+v, want kind %q", c.name, c.value, got, c.want)
		}
	}
}

// The value of a secret never appears in what is reported.
func TestFindingsNeverHoldTheSecret(t *testing.T) {
	const secret = "S3cr3tP@ssw0rd!"
	for _, f := range append(ScanText("password="+secret), ScanValue("PASSWORD", secret)...) {
		if strings.Contains(f.Kind+f.Location, secret) {
			t.Fatalf("finding %+v holds the secret", f)
		}
	}
}
