package config

import (
	"testing"
	"time"
)

func TestCheckSwitchboard(t *testing.T) {
	check(t, base+"\n[switchboard]\nconsult_timeout = \"2s\"   # too short\n",
		want{"# too short", `switchboard.consult_timeout = "2s" is out of range (5s to 5m)`})
	c, err := Parse([]byte(base), "deskline.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Switchboard.ConsultTimeout != 20*time.Second {
		t.Fatalf("default consult_timeout %v", c.Switchboard.ConsultTimeout)
	}
}

func TestCheckAMIParkSlots(t *testing.T) {
	ps := &problems{}
	checkAMIParkSlots(ps, []string{"701", "7a", "701"})
	if len(*ps) != 2 {
		t.Fatalf("problems: %v", *ps)
	}
}

func TestCheckSimParkSlots(t *testing.T) {
	check(t, base+"\n[exchange.sim]\npark_slots = [\"7x\"]   # letters\n",
		want{"# letters", `exchange.sim.park_slots[0]: "7x" is not an extension number (1 to 8 digits)`})
}
