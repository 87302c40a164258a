package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"PublicAccessBlock", "Policy", "PolicyStatus", "aws.s3.bucket", "aws.ec2.volume"}
	cases := []struct{ got, want string }{
		{"Polcy", "Policy"},
		{"policy", "Policy"},
		{"PolicyStatu", "PolicyStatus"},
		{"aws.s3.buckt", "aws.s3.bucket"},
		{"Encryption", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := Closest(c.got, names); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.got, got, c.want)
		}
	}
}
