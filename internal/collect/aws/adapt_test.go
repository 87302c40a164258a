package aws

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
)

var (
	testTime = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	testMeta = meta{Partition: "aws", Account: "111122223333", Region: "us-east-1", Time: testTime}
)

func p[T any](v T) *T { return &v }

func ts(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// cfg is the Config document a shape encodes to.
func cfg(t *testing.T, shape any) map[string]any {
	t.Helper()
	m, err := asset.ToConfig(shape)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantAsset checks an adapted asset against the expected one: every field
// but Hash must match, and Hash must be the asset's content hash.
func wantAsset(t *testing.T, got asset.Asset, err error, want asset.Asset) {
	t.Helper()
	if err != nil {
		t.Fatalf("adapt: %v", err)
	}
	if got.Hash == "" || got.Hash != got.ComputeHash() {
		t.Errorf("Hash %q is not the content hash", got.Hash)
	}
	want.Hash = got.Hash
	if want.Provider == "" {
		want.Provider = "aws"
	}
	if want.Account == "" {
		want.Account = testMeta.Account
	}
	if want.Source.Kind == "" {
		want.Source.Kind = asset.SourceAPI
	}
	if want.CollectedAt.IsZero() {
		want.CollectedAt = testTime
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("asset mismatch\n got: %s\nwant: %s", g, w)
	}
}

func TestDecodePolicy(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    map[string]any
		wantErr bool
	}{
		{"plain JSON", `{"Version":"2012-10-17","Statement":[]}`, map[string]any{"Version": "2012-10-17", "Statement": []any{}}, false},
		{"URL-encoded", `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D`,
			map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}}, false},
		{"plus stays plus", `%7B%22a%22%3A%22x+y%22%7D`, map[string]any{"a": "x+y"}, false},
		{"numbers are int64", `{"n":3}`, map[string]any{"n": int64(3)}, false},
		{"not JSON", `%7Bnope`, nil, true},
		{"bad escape", `%zz`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodePolicy(tt.doc)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestBuildIsStable(t *testing.T) {
	type shape struct {
		A string `json:"A"`
	}
	rels := []asset.Relation{{Type: "b", Target: "2"}, {Type: "a", Target: "1"}, {Type: "b", Target: "2"}, {Type: "x", Target: ""}}
	errs := []asset.FieldError{{Path: "Z", Message: "z"}, {Path: "A", Message: "a"}}
	a1, err := build(testMeta, "t", "uid", "n", map[string]string{}, shape{"x"}, rels, errs)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := build(testMeta, "t", "uid", "n", nil, shape{"x"}, []asset.Relation{rels[1], rels[0]}, []asset.FieldError{errs[1], errs[0]})
	if a1.Hash != a2.Hash {
		t.Error("hash depends on the order of relations or errors")
	}
	if want := []asset.Relation{{Type: "a", Target: "1"}, {Type: "b", Target: "2"}}; !reflect.DeepEqual(a1.Relations, want) {
		t.Errorf("relations %v, want sorted, deduplicated, without empty targets %v", a1.Relations, want)
	}
	if a1.Tags != nil {
		t.Error("empty tags should be nil")
	}
	if errs[0].Path != "Z" {
		t.Error("build reordered the caller's slice")
	}
}
