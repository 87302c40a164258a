package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/finding"
)

func init() { Register("sarif", sarifWriter{}) }

// sarifWriter writes SARIF 2.1.0 for code-scanning UIs: one rule per check
// that produced a result, one SARIF result per FAIL or ERROR, located at
// the resource's file and lines when the asset came from code.
type sarifWriter struct{}

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

// securitySeverity maps severities to the 0-10 scale code-scanning UIs
// sort by (above 9 critical, 7-9 high, 4-7 medium, below 4 low).
var securitySeverity = map[string]string{
	"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "informational": "1.0",
}

func sarifLevel(sev string) string {
	switch sev {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return "note"
	}
}

func (sarifWriter) Write(w io.Writer, r *Report) error {
	rs := append([]finding.Result(nil), r.Results...)
	SortResults(rs)
	var ids []string
	seen := map[string]bool{}
	for _, res := range rs {
		if reportable(res.Status) && !seen[res.CheckID] {
			seen[res.CheckID] = true
			ids = append(ids, res.CheckID)
		}
	}
	sort.Strings(ids)
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(ids))
	for i, id := range ids {
		index[id] = i
		rules = append(rules, sarifRuleFor(id, r.Checks[id]))
	}
	results := []sarifResult{}
	for _, res := range rs {
		if !reportable(res.Status) {
			continue
		}
		sr := sarifResult{
			RuleID:              res.CheckID,
			RuleIndex:           index[res.CheckID],
			Level:               sarifLevel(res.Severity),
			Message:             sarifText{Text: sarifMessage(r, &res)},
			PartialFingerprints: map[string]string{"parapet/v1": res.Fingerprint()},
			Properties:          map[string]any{"status": string(res.Status), "resource": res.AssetUID},
		}
		if res.Status == finding.Error {
			sr.Level = "warning"
		}
		loc := sarifLocation{LogicalLocations: []sarifLogical{{FullyQualifiedName: res.AssetUID, Kind: "resource"}}}
		if res.Location != nil && res.Location.File != "" {
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(res.Location.File), URIBaseID: "%SRCROOT%"}}
			if res.Location.StartLine > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: res.Location.StartLine, EndLine: res.Location.EndLine}
			}
		}
		sr.Locations = []sarifLocation{loc}
		results = append(results, sr)
	}
	log := sarifLog{
		Version: "2.1.0",
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "Parapet", InformationURI: "https://github.com/parapet-dev/parapet", Rules: rules,
			}},
			Results: results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// reportable: code-scanning shows what needs action; a check that could not
// be evaluated needs it too.
func reportable(s finding.Status) bool { return s == finding.Fail || s == finding.Error }

func sarifRuleFor(id string, c *check.Check) sarifRule {
	rule := sarifRule{
		ID:                   id,
		ShortDescription:     sarifText{Text: id},
		FullDescription:      sarifText{Text: id},
		Help:                 sarifText{Text: id},
		DefaultConfiguration: map[string]any{"level": "warning"},
		Properties:           map[string]any{"tags": []string{"security", "parapet"}},
	}
	if c == nil {
		return rule
	}
	sev := c.Severity.String()
	rule.Name = c.Title
	rule.ShortDescription = sarifText{Text: c.Title}
	rule.FullDescription = sarifText{Text: strings.TrimSpace(c.Description)}
	help := strings.TrimSpace(c.Remediation.Text)
	md := "**Risk.** " + strings.TrimSpace(c.Risk) + "\n\n**Fix.** " + help
	if c.Remediation.Terraform != "" {
		md += "\n\n```hcl\n" + strings.TrimSpace(c.Remediation.Terraform) + "\n```"
	}
	rule.Help = sarifText{Text: help, Markdown: md}
	if len(c.References) > 0 {
		rule.HelpURI = c.References[0]
	}
	rule.DefaultConfiguration = map[string]any{"level": sarifLevel(sev)}
	rule.Properties["security-severity"] = securitySeverity[sev]
	rule.Properties["severity"] = sev
	return rule
}

func sarifMessage(r *Report, res *finding.Result) string {
	title := res.CheckID
	if c := r.Checks[res.CheckID]; c != nil {
		title = c.Title
	}
	if res.Status == finding.Error {
		return fmt.Sprintf("Could not evaluate %q on %s: %s", title, res.AssetUID, res.Message)
	}
	name := res.AssetName
	if name == "" {
		name = res.AssetUID
	}
	return fmt.Sprintf("%s: %s (%s)", title, name, res.AssetType)
}

// sarifURI makes a relative, slash-separated URI of a file path.
func sarifURI(file string) string {
	return path.Clean(strings.ReplaceAll(file, "\\", "/"))
}
