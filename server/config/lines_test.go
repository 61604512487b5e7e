package config

import "testing"

func TestLineIndex(t *testing.T) {
	text := "# comment\r\n" + // 1, CRLF
		`listen = "x"   # a = 1` + "\n" + // 2
		"\n" + // 3
		"[exchange.sim]\n" + // 4
		"no_answer_timeout = \"30s\"\n" + // 5
		"[[exchange.sim.devices]]\n" + // 6
		"id = \"201\"\n" + // 7
		"[[exchange.sim.devices]]  # second\n" + // 8
		"  id = '202'\n" + // 9
		"[[users]]\n" + // 10
		"name = \"ann\"\n" + // 11
		"devices = [\n" + // 12
		"  \"201\", # fake = 1\n" + // 13
		"  \"202\",\n" + // 14
		"]\n" + // 15
		"display_name = \"\"\"\n" + // 16
		"hidden = 1\n" + // 17
		"\"\"\"\n" + // 18
		"[[users]]\n" + // 19
		"\"quoted key\" = 1\n" + // 20
		"sub.dotted = 2\n" + // 21
		"[tls]\n" + // 22
		"cert='c' ; key = 'k'\n" + // 23 (not TOML, but must not crash)
		"[[a]]\n" + // 24
		"[[a.b]]\n" + // 25
		"[[a]]\n" + // 26
		"[[a.b]]\n" + // 27
		"[a.c]\n" + // 28
		"x = 1\n" // 29
	ix := indexLines(text)
	for key, want := range map[string]int{
		"listen":                         2,
		"exchange":                       4, // implicit parent: its first child's header
		"exchange.sim":                   4,
		"exchange.sim.no_answer_timeout": 5,
		"exchange.sim.devices":           6,
		"exchange.sim.devices[0]":        6,
		"exchange.sim.devices[0].id":     7,
		"exchange.sim.devices[1]":        8,
		"exchange.sim.devices[1].id":     9,
		"exchange.sim.devices[1].name":   8, // not written: the table's header
		"users[0].name":                  11,
		"users[0].devices":               12,
		"users[0].display_name":          16,
		"users[1]":                       19,
		"users[1].quoted key":            20,
		"users[1].sub.dotted":            21,
		"users[1].sub":                   21,
		"tls.cert":                       23,
		"a[1].b[0]":                      27,
		"a[1].c.x":                       29,
		"limits.send_queue":              0, // neither key nor table written
	} {
		if got := ix.lineOf(key); got != want {
			t.Errorf("lineOf(%q) = %d, want %d", key, got, want)
		}
	}
	for _, ghost := range []string{"fake", "users[0].fake", "hidden", "users[0].hidden", "a"} {
		if n, ok := ix.at[ghost+".x"]; ok {
			t.Errorf("indexed %q at line %d", ghost, n)
		}
	}
	if _, ok := ix.at["users[0].hidden"]; ok {
		t.Error("a line inside a multi-line string was taken for a key")
	}
	if _, ok := ix.at["users[0].fake"]; ok {
		t.Error("a comment inside a multi-line array was taken for a key")
	}
	occ := ix.seen["exchange.sim.devices.id"]
	if len(occ) != 2 || occ[1] != (keyLine{"exchange.sim.devices[1].id", 9}) {
		t.Errorf("occurrences of exchange.sim.devices.id = %v", occ)
	}
}

func TestParentPath(t *testing.T) {
	for in, want := range map[string]string{
		"a.b[2].c": "a.b[2]", "a.b[2]": "a.b", "a.b": "a", "a": "", "": "",
	} {
		if got := parentPath(in); got != want {
			t.Errorf("parentPath(%q) = %q, want %q", in, got, want)
		}
	}
}
