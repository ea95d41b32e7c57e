package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// ABIVersion is the plugin ABI this host implements (plugins/sdk.ABIVersion).
const ABIVersion = 1

// Capabilities a manifest may declare; host functions refuse the others.
const (
	CapItemRead = "item.read" // item_id, item_type, item_title, item_field_*
	CapLog      = "log"       // log
)

// knownCaps lists the capabilities this host understands.
var knownCaps = map[string]bool{CapItemRead: true, CapLog: true}

// machineName matches plugin, tap and dependency names.
var machineName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Manifest is a plugin's plugin.json.
type Manifest struct {
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	ABI          int      `json:"abi"`
	Description  string   `json:"description"`
	Weight       int      `json:"weight"`
	Dependencies []string `json:"dependencies"`
	Taps         []string `json:"taps"`
	Capabilities []string `json:"capabilities"`
	// Queues are the job queues the plugin works with tap_queue_worker;
	// queue_push from any plugin with capability "queue" feeds them.
	Queues []string `json:"queues,omitempty"`

	// Tables are the plugin's database tables (host_db.go).
	Tables []TableSpec `json:"tables,omitempty"`
}

// readManifest reads and validates <dir>/plugin.json for the plugin named
// after its directory. Unknown keys are refused so typos do not pass silently.
func readManifest(dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, "plugin.json"))
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("parse plugin.json: %w", err)
	}
	return m, m.validate(filepath.Base(dir))
}

// validate checks the manifest of the plugin in directory dirName.
func (m Manifest) validate(dirName string) error {
	switch {
	case m.Name != dirName:
		return fmt.Errorf("manifest name %q does not match directory %q", m.Name, dirName)
	case !machineName.MatchString(m.Name):
		return fmt.Errorf("invalid plugin name %q: use lower case letters, digits and _", m.Name)
	case m.Version == "":
		return fmt.Errorf("manifest has no version")
	case m.ABI != ABIVersion:
		return fmt.Errorf("ABI mismatch: manifest declares abi %d, this host supports abi %d", m.ABI, ABIVersion)
	}
	seen := map[string]bool{}
	for _, t := range m.Taps {
		if !machineName.MatchString(t) {
			return fmt.Errorf("invalid tap name %q", t)
		}
		if seen[t] {
			return fmt.Errorf("tap %q declared twice", t)
		}
		seen[t] = true
	}
	for _, c := range m.Capabilities {
		if !knownCaps[c] {
			return fmt.Errorf("unknown capability %q", c)
		}
	}
	for _, q := range m.Queues {
		if !machineName.MatchString(q) {
			return fmt.Errorf("invalid queue name %q", q)
		}
	}
	if len(m.Queues) > 0 && !seen["queue_worker"] {
		return fmt.Errorf("manifest lists queues but does not declare tap queue_worker")
	}
	for _, d := range m.Dependencies {
		if !machineName.MatchString(d) || d == m.Name {
			return fmt.Errorf("invalid dependency %q", d)
		}
	}
	return validateTables(m.Name, m.Tables)
}

// has reports whether the manifest declares capability c.
func (m Manifest) has(c string) bool {
	for _, x := range m.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}
