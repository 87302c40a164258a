package cloudsim

import (
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
)

func init() {
	register("guardduty", true,
		op("ListDetectors", gdListDetectors),
		op("GetDetector", gdGetDetector),
	)
}

// guardDutyOperation names the REST-JSON operation of a request by method
// and path.
func guardDutyOperation(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method == http.MethodGet && parts[0] == "detector" {
		switch len(parts) {
		case 1:
			return "ListDetectors"
		case 2:
			return "GetDetector"
		}
	}
	return r.Method + " " + r.URL.Path
}

func gdListDetectors(c *call) error {
	q := c.r.URL.Query()
	c.form = q
	limit, err := c.formInt("maxResults")
	if err != nil {
		return err
	}
	dets := c.regionState().Detectors
	p, err := c.paginate(len(dets), q.Get("nextToken"), limit, 50, 1, 50)
	if err != nil {
		return err
	}
	out := &guardduty.ListDetectorsOutput{DetectorIds: []string{}, NextToken: nextToken(p)}
	for _, d := range dets[p.start:p.end] {
		out.DetectorIds = append(out.DetectorIds, d.DetectorId)
	}
	return c.writeOutput(out)
}

// shiftDate shifts a timestamp GuardDuty serves as a string.
func shiftDate(s *string, shift time.Duration) *string {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return s
	}
	return aws.String(t.Add(shift).UTC().Format("2006-01-02T15:04:05.000Z"))
}

func gdGetDetector(c *call) error {
	id := strings.TrimPrefix(strings.Trim(c.r.URL.Path, "/"), "detector/")
	for _, d := range c.regionState().Detectors {
		if d.DetectorId == id {
			out := d.GetDetectorOutput
			out.CreatedAt = shiftDate(out.CreatedAt, c.shift)
			out.UpdatedAt = shiftDate(out.UpdatedAt, c.shift)
			return c.writeOutput(&out)
		}
	}
	return errorf(400, "BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
}
