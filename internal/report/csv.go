package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"time"
)

func init() { Register("csv", csvWriter{}) }

// csvWriter writes one row per result, for spreadsheets.
type csvWriter struct{}

var csvHeader = []string{"scan_id", "status", "severity", "check_id", "title", "provider", "account", "region", "asset_type", "asset_uid", "asset_name", "message", "evidence", "evaluated_at", "exception_id"}

func (csvWriter) Write(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range r.Results {
		res := &r.Results[i]
		ev := ""
		if len(res.Evidence) > 0 {
			b, err := json.Marshal(res.Evidence)
			if err != nil {
				return err
			}
			ev = string(b)
		}
		if err := cw.Write([]string{r.ScanID, string(res.Status), res.Severity, res.CheckID, Cell(title(r, res.CheckID)),
			res.Provider, res.Account, res.Region, res.AssetType, Cell(res.AssetUID), Cell(res.AssetName), Cell(res.Message), ev,
			res.EvaluatedAt.UTC().Format(time.RFC3339), Cell(res.ExceptionID)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Cell defuses spreadsheet formulas: resource names and API messages are
// partly attacker-controlled, and a cell starting with = + - @ would be run
// by the spreadsheet that opens the file. Every CSV writer uses it.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
