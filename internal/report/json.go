package report

import (
	"encoding/json"
	"io"
)

func init() { Register("json", jsonWriter{}) }

// jsonWriter writes the whole report, every result included, as one JSON
// document for tools.
type jsonWriter struct{}

func (jsonWriter) Write(w io.Writer, r *Report) error {
	out := struct {
		*Report
		Summary Summary `json:"summary"`
	}{r, r.Summarize()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
