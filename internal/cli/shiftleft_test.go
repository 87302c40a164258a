package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/drift"
	"github.com/parapet-dev/parapet/internal/finding"
)

const shiftDir = "testdata/shiftleft"

func startShiftWorld(t *testing.T) *cloudsim.Server {
	t.Helper()
	w, err := cloudsim.LoadWorld(filepath.Join(shiftDir, "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := cloudsim.NewServer(w)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	isolateAWS(t)
	key, secret := srv.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("PARAPET_TEST_ENDPOINT", url)
	return srv
}

func scanCloud(t *testing.T, db string) jsonReport {
	t.Helper()
	code, out, errOut := run(t, "scan", "aws", "--endpoint-url", os.Getenv("PARAPET_TEST_ENDPOINT"), "--db", db,
		"-o", "json", "--fail-on", "none", "--no-progress")
	if code != ExitOK {
		t.Fatalf("scan aws exit %d\n%s", code, errOut)
	}
	return decodeReport(t, out)
}

// The same misconfiguration written in Terraform and built into the
// simulator is flagged by the same checks, and the compliant bucket passes
// in both.
func TestSameChecksOnCodeAndCloud(t *testing.T) {
	code, out, errOut := run(t, "scan", "iac", filepath.Join(shiftDir, "main.tf"), "-o", "json")
	if code != ExitFindings {
		t.Fatalf("scan iac exit %d, want %d (findings)\n%s", code, ExitFindings, errOut)
	}
	codeRep := decodeReport(t, out)
	startShiftWorld(t)
	cloudRep := scanCloud(t, filepath.Join(t.TempDir(), "p.db"))

	// Resources are matched by the identifier both forms share; the cloud
	// has more (the account, an unmanaged bucket): compare what the code
	// declares.
	ids := map[string]string{} // code UID → shared identifier
	var codeFails []string
	for _, r := range codeRep.Results {
		if r.Status == finding.Error {
			t.Errorf("code: ERROR %s on %s: %s", r.CheckID, r.AssetUID, r.Message)
		}
		if r.Status == finding.Fail {
			codeFails = append(codeFails, r.CheckID+" "+r.AssetType+" "+r.AssetName)
		}
		ids[r.AssetUID] = r.AssetName
	}
	_ = ids
	cloudNames := map[string]string{"sg-0a0a0a0a0a0a0a0a1": "web", "vpc-0a0a0a0a0a0a0a0a1": "aws_vpc.main", "app-data-111111111111": "app-data-111111111111"}
	var cloudFails []string
	for _, r := range cloudRep.Results {
		if r.Status != finding.Fail {
			continue
		}
		id := r.AssetUID[strings.LastIndexAny(r.AssetUID, "/:")+1:]
		if name, ok := cloudNames[id]; ok {
			cloudFails = append(cloudFails, r.CheckID+" "+r.AssetType+" "+name)
		}
	}
	sort.Strings(codeFails)
	sort.Strings(cloudFails)
	if strings.Join(codeFails, "\n") != strings.Join(cloudFails, "\n") {
		t.Errorf("code and cloud disagree\ncode:\n%s\ncloud:\n%s", strings.Join(codeFails, "\n"), strings.Join(cloudFails, "\n"))
	}
	if !strings.Contains(strings.Join(codeFails, "\n"), "aws-ec2-sg-internet-ssh aws.ec2.security_group web") {
		t.Errorf("the open SSH port was not flagged in code:\n%s", strings.Join(codeFails, "\n"))
	}
}

// An out-of-band change made in the simulator shows up as drift, with the
// unmanaged and the missing resources.
func TestDriftListsOutOfBandChanges(t *testing.T) {
	srv := startShiftWorld(t)
	db := filepath.Join(t.TempDir(), "p.db")
	state := filepath.Join(shiftDir, "terraform.tfstate")
	scanCloud(t, db)

	code, out, errOut := run(t, "drift", "--state", state, "--db", db, "-o", "json")
	if code != ExitFindings {
		t.Fatalf("drift exit %d\n%s\n%s", code, out, errOut)
	}
	var before drift.Report
	if err := json.Unmarshal([]byte(out), &before); err != nil {
		t.Fatal(err)
	}
	if len(before.Changed) != 0 || len(before.Unmanaged) != 1 || len(before.Missing) != 1 ||
		before.Unmanaged[0].ID != "shadow-it-111111111111" || before.Missing[0].Address != "aws_s3_bucket.archive" {
		t.Fatalf("before the change: %+v", before)
	}

	// Someone opens RDP and suspends versioning in the console.
	srv.Update(func(w *cloudsim.World) {
		r := w.Accounts[0].Regions["us-east-1"]
		sg := &r.SecurityGroups[0]
		sg.IpPermissions = append(sg.IpPermissions, ec2types.IpPermission{
			IpProtocol: ptr("tcp"), FromPort: ptr(int32(3389)), ToPort: ptr(int32(3389)),
			IpRanges: []ec2types.IpRange{{CidrIp: ptr("0.0.0.0/0")}},
		})
		w.Accounts[0].S3.Buckets[0].Versioning.Status = "Suspended"
	})
	scanCloud(t, db)
	code, out, _ = run(t, "drift", "--state", state, "--db", db, "-o", "json")
	if code != ExitFindings {
		t.Fatalf("drift exit %d", code)
	}
	var after drift.Report
	if err := json.Unmarshal([]byte(out), &after); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range after.Changed {
		for _, ch := range c.Changes {
			got[c.ID] = append(got[c.ID], ch.String())
		}
	}
	if len(got) != 2 || !strings.Contains(strings.Join(got["app-data-111111111111"], "\n"), `Versioning.Status: "Enabled" → "Suspended"`) ||
		!strings.Contains(strings.Join(got["sg-0a0a0a0a0a0a0a0a1"], "\n"), "3389") {
		t.Fatalf("changes: %v", got)
	}

	code, out, _ = run(t, "drift", "--state", state, "--db", db, "-o", "markdown")
	if code != ExitFindings || !strings.Contains(out, "## Changed outside the code (2)") {
		t.Errorf("markdown drift report:\n%s", out)
	}
}

func TestDriftNeedsAnInventory(t *testing.T) {
	code, _, errOut := run(t, "drift", "--state", filepath.Join(shiftDir, "terraform.tfstate"), "--db", filepath.Join(t.TempDir(), "p.db"))
	if code != ExitError || !strings.Contains(errOut, "scan aws") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, _ := run(t, "drift"); code != ExitUsage {
		t.Fatalf("drift without --state or --plan: exit %d", code)
	}
}

func ptr[T any](v T) *T { return &v }

// The same configuration in Terraform's JSON syntax (as CDK for Terraform
// writes it), scanned as a file or as a directory, fails the same checks
// as the .tf form, located in the JSON file.
func TestSameChecksOnTerraformJSON(t *testing.T) {
	fails := func(args ...string) ([]string, jsonReport) {
		t.Helper()
		code, out, errOut := run(t, append([]string{"scan", "iac"}, append(args, "-o", "json")...)...)
		if code != ExitFindings {
			t.Fatalf("scan iac %v exit %d, want %d (findings)\n%s", args, code, ExitFindings, errOut)
		}
		rep := decodeReport(t, out)
		var fs []string
		for _, r := range rep.Results {
			if r.Status == finding.Fail {
				fs = append(fs, r.CheckID+" "+r.AssetType+" "+r.AssetName)
			}
		}
		sort.Strings(fs)
		return fs, rep
	}
	want, _ := fails(filepath.Join(shiftDir, "main.tf"))
	for _, path := range []string{filepath.Join(shiftDir, "json", "main.tf.json"), filepath.Join(shiftDir, "json")} {
		got, rep := fails(path)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: .tf.json and .tf disagree\njson:\n%s\ntf:\n%s", path, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		found := false
		for _, r := range rep.Results {
			if r.CheckID == "aws-ec2-sg-internet-ssh" && r.Status == finding.Fail {
				found = true
				if r.Location == nil || r.Location.File != "main.tf.json" || r.Location.StartLine != 14 {
					t.Errorf("%s: SSH finding located at %+v, want main.tf.json:14", path, r.Location)
				}
			}
		}
		if !found {
			t.Errorf("%s: the open SSH port was not flagged", path)
		}
	}
}
