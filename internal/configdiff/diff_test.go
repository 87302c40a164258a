package configdiff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	m, err := asset.DecodeConfig([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		want     []string // Change.String() of each change
	}{
		{"identical", `{"a":1,"b":[1,2],"c":{"d":"e"}}`, `{"a":1,"b":[1,2],"c":{"d":"e"}}`, nil},
		{"scalar changed, key added and removed",
			`{"Encrypted":false,"Old":"x","Nested":{"Size":8}}`, `{"Encrypted":true,"New":"y","Nested":{"Size":16}}`,
			[]string{`~ config.Encrypted: false → true`, `~ config.Nested.Size: 8 → 16`, `+ config.New: "y"`, `- config.Old: "x"`}},
		{"objects matched by an Id-like key, not by position",
			`{"Groups":[{"GroupId":"sg-1","GroupName":"a"},{"GroupId":"sg-2","GroupName":"b"}]}`,
			`{"Groups":[{"GroupId":"sg-2","GroupName":"B"},{"GroupId":"sg-3","GroupName":"c"}]}`,
			[]string{`- config.Groups[GroupId=sg-1]: {"GroupId":"sg-1","GroupName":"a"}`,
				`~ config.Groups[GroupId=sg-2].GroupName: "b" → "B"`,
				`+ config.Groups[GroupId=sg-3]: {"GroupId":"sg-3","GroupName":"c"}`}},
		{"Arn beats Name",
			`{"P":[{"PolicyArn":"arn:1","PolicyName":"same"}]}`, `{"P":[{"PolicyArn":"arn:2","PolicyName":"same"}]}`,
			[]string{`- config.P[PolicyArn=arn:1]: {"PolicyArn":"arn:1","PolicyName":"same"}`, `+ config.P[PolicyArn=arn:2]: {"PolicyArn":"arn:2","PolicyName":"same"}`}},
		{"CidrIp identifies ranges",
			`{"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"0.0.0.0/0","Description":"old"}]}`,
			`{"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"new"}]}`,
			[]string{`- config.IpRanges[CidrIp=10.0.0.0/8]: {"CidrIp":"10.0.0.0/8"}`, `~ config.IpRanges[CidrIp=0.0.0.0/0].Description: "old" → "new"`}},
		{"a key that repeats does not identify: equal elements match, the rest pair by position",
			`{"Rules":[{"Type":"a","Port":22},{"Type":"a","Port":80},{"Type":"a","Port":443}]}`,
			`{"Rules":[{"Type":"a","Port":80},{"Type":"a","Port":8443}]}`,
			[]string{`~ config.Rules[0].Port: 22 → 8443`, `- config.Rules[2]: {"Port":443,"Type":"a"}`}},
		{"the first of several rules removed reads as one removal",
			`{"IpPermissions":[{"FromPort":22,"ToPort":22},{"FromPort":80,"ToPort":80},{"FromPort":443,"ToPort":443}]}`,
			`{"IpPermissions":[{"FromPort":80,"ToPort":80},{"FromPort":443,"ToPort":443}]}`,
			[]string{`- config.IpPermissions[0]: {"FromPort":22,"ToPort":22}`}},
		{"scalar lists are sets of values",
			`{"Action":["s3:GetObject","s3:ListBucket"]}`, `{"Action":["s3:ListBucket","s3:*"]}`,
			[]string{`- config.Action[0]: "s3:GetObject"`, `+ config.Action[1]: "s3:*"`}},
		{"null to value and type change",
			`{"Policy":null,"Size":"8"}`, `{"Policy":{"Version":"2012-10-17"},"Size":8}`,
			[]string{`~ config.Policy: null → {"Version":"2012-10-17"}`, `~ config.Size: "8" → 8`}},
		{"keys that need quoting", `{"a.b":1}`, `{"a.b":2}`, []string{`~ config["a.b"]: 1 → 2`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range Diff("config", decode(t, tc.from), decode(t, tc.to)) {
				got = append(got, c.String())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestAssets(t *testing.T) {
	a := &asset.Asset{Name: "web", Tags: map[string]string{"env": "dev", "team": "x"},
		Config: map[string]any{"Encrypted": false}, Relations: []asset.Relation{{Type: "in_vpc", Target: "vpc-1"}}}
	b := &asset.Asset{Name: "web2", Tags: map[string]string{"env": "prod", "team": "x"},
		Config: map[string]any{"Encrypted": true}, Errors: []asset.FieldError{{Path: "Policy", Message: "denied"}}}
	var got []string
	for _, c := range Assets(a, b) {
		got = append(got, c.String())
	}
	want := []string{
		`~ name: "web" → "web2"`,
		`~ tags.env: "dev" → "prod"`,
		`~ config.Encrypted: false → true`,
		`~ relations: [{"target":"vpc-1","type":"in_vpc"}] → null`,
		`~ errors: null → [{"message":"denied","path":"Policy"}]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(Assets(a, a)) != 0 {
		t.Error("an asset differs from itself")
	}
}

func TestValueTruncates(t *testing.T) {
	v := Value(strings.Repeat("é", 100), 21)
	if len(v) > 21 || !strings.HasSuffix(v, "…") {
		t.Errorf("%q", v)
	}
}
