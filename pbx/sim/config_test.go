package sim

import (
	"github.com/deskline/deskline/pbx"
	"strings"
	"testing"
	"time"
)

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"empty id", func(c *Config) { c.Devices[1].ID = "" }, `sim: device 2 (""): empty id`},
		{"duplicate id", func(c *Config) { c.Devices[1].ID = "201" }, `sim: device 2 ("201"): duplicate id, already used by device 1 ("201")`},
		{"letters in id", func(c *Config) { c.Devices[0].ID = "2o1" }, `sim: device 1 ("2o1"): id must be digits only`},
		{"unknown member", func(c *Config) { c.Groups[0].Members = []string{"202", "777"} }, `sim: group 1 ("600"): member "777" is not a configured device`},
		{"repeated member", func(c *Config) { c.Groups[0].Members = []string{"202", "202"} }, `member "202" listed twice`},
		{"no members", func(c *Config) { c.Groups[0].Members = nil }, `sim: group 1 ("600"): no members`},
		{"group number taken", func(c *Config) { c.Groups[0].Number = "203" }, `sim: group 1 ("203"): duplicate number, already used by device 3 ("203")`},
		{"empty group number", func(c *Config) { c.Groups[0].Number = "" }, `sim: group 1 (""): empty id`},
		{"negative timeout", func(c *Config) { c.NoAnswerTimeout = -time.Second }, `sim: NoAnswerTimeout -1s is negative`},
		{"negative answer", func(c *Config) { c.Devices[0].Behaviour.AnswerAfter = -1 }, `sim: device 1 ("201"): negative AnswerAfter or PickUpAfter`},
		{"external key format", func(c *Config) { c.Externals = map[string]Behaviour{"+49 30 1": {}} }, `sim: Externals["+49 30 1"]: key must be an external number`},
		{"external key internal", func(c *Config) { c.Externals = map[string]Behaviour{"202": {}} }, `sim: Externals["202"]: key must be an external number`},
		{"no services", func(c *Config) { c.Devices[0].Services = []pbx.Service{} }, `sim: device 1 ("201"): Services is empty`},
		{"external key unallocated", func(c *Config) { c.Externals = map[string]Behaviour{"999": {}} }, `sim: Externals["999"]: in the internal range`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.edit(&cfg)
			x, err := New(cfg)
			if err == nil {
				x.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigAllErrorsReported(t *testing.T) {
	cfg := testConfig()
	cfg.Devices[0].ID = ""
	cfg.Groups[0].Members = []string{"888"}
	_, err := New(cfg)
	if err == nil || !strings.Contains(err.Error(), "empty id") || !strings.Contains(err.Error(), `"888"`) {
		t.Fatalf("error %v, want both problems", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg := Config{}.withDefaults()
	if cfg.NoAnswerTimeout != DefaultNoAnswerTimeout || cfg.External.AnswerAfter != DefaultExternalAnswerAfter {
		t.Fatalf("defaults %+v", cfg)
	}
	if _, ok := cfg.Clock.(systemClock); !ok {
		t.Fatalf("default clock %T", cfg.Clock)
	}
	x, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	x.Close()
}
