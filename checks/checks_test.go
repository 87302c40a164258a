package checks_test

import (
	"testing"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/checktest"
)

func TestFixtures(t *testing.T) {
	checktest.T(t, checks.FS, checks.Root)
}

func TestLoad(t *testing.T) {
	cs, err := check.LoadFS(checks.FS, checks.Root)
	if err != nil {
		t.Fatalf("loading built-in checks:\n%v", err)
	}
	if len(cs) < 40 {
		t.Errorf("got %d built-in AWS checks, want at least 40", len(cs))
	}
}
