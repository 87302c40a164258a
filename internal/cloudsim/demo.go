package cloudsim

import _ "embed"

//go:embed worlds/demo.yaml
var demoWorld []byte

// DemoWorld returns a fresh copy of the demo organization `parapet demo`
// scans: three accounts in two regions, one configured as the checks
// expect and two seeded with the misconfigurations Parapet exists to catch.
func DemoWorld() (*World, error) {
	return ParseWorld("demo.yaml", demoWorld)
}

// DemoWorldYAML returns the demo organization's world file, for people to
// copy and edit.
func DemoWorldYAML() []byte { return append([]byte(nil), demoWorld...) }
