package testdesk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
	"github.com/gorilla/websocket"
)

// asteriskOffice is the whole chain a desktop sees on Asterisk: a fake
// Asterisk replaying real captures, the pbx/ami connector, a real server
// and a real tray-app desk logged in as ann (phone 201).
//
// speed is the pace of the replayed captures (amitest.Options.Speed): a
// person's call takes seconds, and a desk shows the latest state, so a
// call replayed with no pauses at all could come and go between two
// looks at the desk.
func asteriskOffice(t *testing.T, speed float64) (*amitest.Server, *testoffice.Office, *app.Desk) {
	t.Helper()
	ast, err := amitest.Start(amitest.Options{Logf: t.Logf, Speed: speed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ast.Close() })
	x, err := ami.New(ami.Config{
		Addr: ast.Addr(), Username: "cti", Secret: "ctisecret", Context: "office",
		Devices: []ami.Device{
			{ID: "201", Name: "Alice Meyer", Endpoint: "PJSIP/201"},
			{ID: "202", Name: "Bob Schulz", Endpoint: "PJSIP/202"},
			{ID: "203", Name: "Carol Weber", Endpoint: "PJSIP/203"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	o := testoffice.StartOn(t, x)
	book := filepath.Join(t.TempDir(), "jane.vcf")
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nORG:Doe Logistics GmbH\r\n" +
		"TEL;TYPE=WORK:+49 30 1234567\r\nEND:VCARD\r\n"
	if err := os.WriteFile(book, []byte(card), 0o644); err != nil {
		t.Fatal(err)
	}
	d := testdesk.Open(t, o, "ann", book)
	testdesk.WaitState(t, d.Client, "Asterisk available", func(s app.State) bool { return s.Exchange.Available })
	return ast, o, d
}

func play(t *testing.T, ast *amitest.Server, name string) {
	t.Helper()
	sc, err := amitest.LoadCapture(name)
	if err != nil {
		t.Fatal(err)
	}
	ast.Play(sc)
}

// The screen pop on Asterisk: an outside call rings 201, the desk shows
// the caller from the address book, then talking, then nothing.
func TestScreenPopOnAsterisk(t *testing.T) {
	ast, _, d := asteriskOffice(t, 20)
	play(t, ast, "a-incoming-answered")
	s := testdesk.WaitState(t, d.Client, "the screen pop", func(s app.State) bool { return len(s.Ringing()) == 1 })
	c := s.Ringing()[0]
	if c.Device != "201" || c.Display != "Jane Doe" || c.Contact == nil || c.Contact.Organization != "Doe Logistics GmbH" {
		t.Errorf("pop = %+v, want Jane Doe of Doe Logistics GmbH at 201", c)
	}
	testdesk.WaitState(t, d.Client, "talking", func(s app.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].State == "connected" && s.Calls[0].Answered
	})
	testdesk.WaitState(t, d.Client, "the call to end", func(s app.State) bool { return len(s.Calls) == 0 })
}

// Click-to-dial on Asterisk: the desk dials 202 as the dial window does;
// Asterisk rings 201 first, then 202, which answers.
func TestClickToDialOnAsterisk(t *testing.T) {
	ast, _, d := asteriskOffice(t, 20)
	play(t, ast, "c1-click-to-dial-internal")
	target, err := d.Client.PrepareDial("202")
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.Client.Dial(t.Context(), target)
	if err != nil {
		t.Fatal(err)
	}
	s := testdesk.WaitState(t, d.Client, "talking to 202", func(s app.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].ID == id && s.Calls[0].State == "connected" && s.Calls[0].Answered
	})
	if c := s.Calls[0]; c.Number != "202" || c.Name != "Bob Schulz" || c.Direction != "outgoing" {
		t.Errorf("call = %+v, want outgoing to 202 Bob Schulz", c)
	}
	testdesk.WaitState(t, d.Client, "the call to end", func(s app.State) bool { return len(s.Calls) == 0 })
	if !strings.HasPrefix(id, "deskline-") {
		t.Errorf("call id %q is not the connector's ChannelId", id)
	}
}

// Asterisk restarts: the desk says the exchange is unavailable and why,
// then available again.
func TestAsteriskRestartOnTheDesk(t *testing.T) {
	ast, _, d := asteriskOffice(t, 20)
	done := make(chan struct{})
	go func() { defer close(done); ast.Restart(500 * time.Millisecond) }()
	s := testdesk.WaitState(t, d.Client, "exchange unavailable", func(s app.State) bool { return !s.Exchange.Available })
	if !strings.Contains(s.Exchange.Reason, "Asterisk is restarting") {
		t.Errorf("reason = %q", s.Exchange.Reason)
	}
	<-done
	testdesk.WaitState(t, d.Client, "exchange back", func(s app.State) bool { return s.Exchange.Available })
}

// A desktop that stops reading its WebSocket must not slow the reading of
// Asterisk's events (Asterisk drops a manager client that reads too
// slowly): a flood of calls goes through while one of ann's sessions reads
// nothing, and her working desk ends with every call seen and none stuck.
func TestSlowDesktopDoesNotSlowAsterisk(t *testing.T) {
	ast, o, d := asteriskOffice(t, 0)
	stuck := stuckSession(t, o.URL(), d.Client.State().User)
	defer stuck.Close()
	sc, err := amitest.LoadCapture("b-incoming-missed")
	if err != nil {
		t.Fatal(err)
	}
	const calls = 1000 // far more events than a session's send queue (256)
	for range calls {
		ast.Play(sc)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := ast.WaitPlayed(ctx); err != nil {
		t.Fatalf("Asterisk's events stalled behind a desktop that does not read: %v", err)
	}
	testdesk.WaitState(t, d.Client, "every missed call seen, none stuck", func(s app.State) bool {
		return len(s.Calls) == 0 && s.MissedUnseen >= 1 && s.Exchange.Available
	})
}

// stuckSession logs in as user over a raw WebSocket and then never reads.
func stuckSession(t *testing.T, url, user string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}}
	conn, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	hello, _ := ctiproto.Encode(&ctiproto.Hello{ID: "stuck", User: user, Password: testoffice.Password})
	if err := conn.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	return conn
}
