package amitest

import (
	"testing"

	"github.com/deskline/deskline/pbx/ami"
)

// TestBuiltins checks the native answers against f2's wording.
func TestBuiltins(t *testing.T) {
	srv := startServer(t, Options{Version: "20.1.0"})
	c := dial(t, srv)
	c.login()
	c.next() // SuccessfulAuth
	for _, tc := range []struct {
		action []string
		status string
		msg    string
	}{
		{[]string{"FooBarBaz"}, "Error", "Invalid/unknown command: FooBarBaz. Use Action: ListCommands to show available commands."},
		{[]string{"Originate", "Channel", "PJSIP/201"}, "Error", "Originate with 'Exten' requires 'Context' and 'Priority'"},
		{[]string{"Originate", "Channel", "PJSIP/201", "Context", "office", "Exten", "202", "Priority", "1", "Async", "true"}, "Success", "Originate successfully queued"},
		{[]string{"Redirect", "Channel", "PJSIP/nonexistent-00000000", "Context", "office", "Exten", "202", "Priority", "1"}, "Error", "Channel does not exist: PJSIP/nonexistent-00000000"},
		{[]string{"Hangup", "Channel", "PJSIP/nonexistent-00000000"}, "Error", "No such channel"},
		{[]string{"DBGet", "Family", "cti", "Key", "dnd/201"}, "Error", "Database entry not found"},
		{[]string{"DBPut", "Family", "cti", "Key", "dnd/201", "Val", "1"}, "Success", "Updated database successfully"},
		{[]string{"DBDel", "Family", "cti", "Key", "nothing"}, "Error", "Database entry not found"},
	} {
		c.send(tc.action[0], append([]string{"ActionID", "x-1"}, tc.action[1:]...)...)
		got := c.until(func(m ami.Message) bool { return m.Response() != "" })
		if r := got[len(got)-1]; r.Response() != tc.status || r.Get("Message") != tc.msg || r.ActionID() != "x-1" {
			t.Errorf("%v: %v", tc.action, r)
		}
	}
	c.send("FooBarBaz", "ActionID", "x-2")
	if bad := events(c.sync(), "RequestBadFormat"); len(bad) != 1 || bad[0].Get("RequestType") != "Action: FooBarBaz" {
		t.Errorf("RequestBadFormat: %v", bad)
	}

	c.send("CoreSettings", "ActionID", "x-6")
	if r := c.next(); r.Get("AsteriskVersion") != "20.1.0" || r.Get("AMIversion") != "11.0.0" {
		t.Errorf("%v", r)
	}

	// DBGet answers as a list of one in Asterisk 22.
	c.send("DBGet", "ActionID", "db-1", "Family", "cti", "Key", "dnd/201")
	got := c.until(func(m ami.Message) bool { return m.Event() == "DBGetComplete" })
	if len(got) != 3 || got[0].Get("EventList") != "start" || got[1].Get("Val") != "1" ||
		got[1].ActionID() != "db-1" || got[2].Get("ListItems") != "1" {
		t.Errorf("DBGet: %v", got)
	}
	c.send("DBDel", "ActionID", "db-2", "Family", "cti", "Key", "dnd/201")
	if r := c.next(); r.Get("Message") != "Key deleted successfully" {
		t.Errorf("%v", r)
	}
	if len(srv.DB()) != 0 {
		t.Errorf("DB: %v", srv.DB())
	}

	// A live channel can be hung up and redirected (no events follow).
	srv.Send(testEvent("Newchannel", "call,all", "Channel", "PJSIP/201-00000001", "ChannelState", "4", "Uniqueid", "1.1", "Linkedid", "1.1"))
	c.send("Hangup", "ActionID", "h", "Channel", "PJSIP/201-00000001")
	got = c.until(func(m ami.Message) bool { return m.ActionID() == "h" })
	if r := got[len(got)-1]; r.Get("Message") != "Channel Hungup" {
		t.Errorf("%v", r)
	}
	c.send("Redirect", "ActionID", "r", "Channel", "PJSIP/201-00000001", "Context", "office", "Exten", "202", "Priority", "1")
	if r := c.next(); r.Get("Message") != "Redirect successful" {
		t.Errorf("%v", r)
	}

	// DeviceStateList lists what DeviceStateChange events said.
	srv.Send(testEvent("DeviceStateChange", "call,all", "Device", "PJSIP/201", "State", "INUSE"))
	c.send("DeviceStateList", "ActionID", "d")
	got = c.until(func(m ami.Message) bool { return m.Event() == "DeviceStateListComplete" })
	if items := events(got, "DeviceStateChange"); len(items) != 2 || items[1].Get("State") != "INUSE" || items[1].ActionID() != "d" {
		t.Errorf("DeviceStateList: %v", got)
	}

	// A malformed frame from the client is skipped; the session goes on.
	if _, err := c.conn.Write([]byte("this is not AMI\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	c.sync()
}
