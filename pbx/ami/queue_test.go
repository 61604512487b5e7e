package ami_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// dialBeginHeader is the annotation before the real capture's one
// DialBegin (the carrier's channel dials 201).
const dialBeginHeader = "] <<< Event: DialBegin\n"

// varied is the real capture a-incoming-answered with edit applied to its
// text (the annotated form the fake plays).
func varied(t *testing.T, edit func(string) string) *amitest.Script {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(amitest.CaptureDir(), "a-incoming-answered.annotated.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	if strings.Count(text, dialBeginHeader) != 1 {
		t.Fatal("the capture no longer has exactly one DialBegin")
	}
	sc, err := amitest.ParseScript("a-incoming-answered (varied)", strings.NewReader(edit(text)))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// beforeDialBegin inserts blocks (annotated messages) before the
// capture's DialBegin, stamped like it.
func beforeDialBegin(text string, blocks ...string) string {
	i := strings.Index(text, dialBeginHeader)
	start := strings.LastIndex(text[:i], "\n# [") + 1
	stamp := text[start : i+1] // "# [2026-…Z +0.709]"
	var ins string
	for _, b := range blocks {
		ev, _, _ := strings.Cut(strings.TrimPrefix(b, "Event: "), "\n")
		ins += stamp + " <<< Event: " + ev + "\n" + b + "\n"
	}
	return text[:start] + ins + text[start:]
}

// The queue events as Asterisk 22's manager documentation gives them
// (docs.asterisk.org, API Documentation, AMI Events: QueueCallerJoin,
// AgentCalled; no capture holds them), for the lab's queue "sales" at
// extension 500 (amitest/captures/config: extensions.conf, queues.conf,
// members PJSIP/201 and PJSIP/202): the carrier's caller (Uniqueid
// 1795686940.0) joins it, and it rings 201's channel (1795686940.1).
const (
	docCallerJoin = "Event: QueueCallerJoin\nPrivilege: agent,all\nChannel: PJSIP/carrier-00000000\nChannelState: 4\nChannelStateDesc: Ring\n" +
		"CallerIDNum: +49301234567\nCallerIDName: Jane Doe\nConnectedLineNum: <unknown>\nConnectedLineName: <unknown>\nLanguage: en\nAccountCode: \n" +
		"Context: office\nExten: 500\nPriority: 3\nUniqueid: 1795686940.0\nLinkedid: 1795686940.0\nQueue: sales\nPosition: 1\nCount: 1\n"
	docAgentCalled = "Event: AgentCalled\nPrivilege: agent,all\nChannel: PJSIP/carrier-00000000\nChannelState: 4\nChannelStateDesc: Ring\n" +
		"CallerIDNum: +49301234567\nCallerIDName: Jane Doe\nConnectedLineNum: <unknown>\nConnectedLineName: <unknown>\nLanguage: en\nAccountCode: \n" +
		"Context: office\nExten: 500\nPriority: 3\nUniqueid: 1795686940.0\nLinkedid: 1795686940.0\n" +
		"DestChannel: PJSIP/201-00000001\nDestChannelState: 0\nDestChannelStateDesc: Down\nDestCallerIDNum: 201\nDestCallerIDName: Alice Meyer\n" +
		"DestConnectedLineNum: +49301234567\nDestConnectedLineName: Jane Doe\nDestLanguage: en\nDestAccountCode: \nDestContext: office\nDestExten: 201\n" +
		"DestPriority: 1\nDestUniqueid: 1795686940.1\nDestLinkedid: 1795686940.0\nQueue: sales\nMemberName: Alice Meyer\nInterface: PJSIP/201\n"
)

// queueEvents reads the events of the capture's call up to 201's clear and
// checks that every one of them names want, joined no later than the ring.
func queueEvents(t *testing.T, o *office, want pbx.Queue) {
	t.Helper()
	var delivered pbx.Event
	for n := -1; ; {
		ev := o.next()
		if !callEvent(ev) {
			continue
		}
		n++
		if ev.Kind == pbx.EvDelivered {
			delivered = ev
		}
		q := ev.Queue
		if q == nil || q.Name != want.Name || q.Number != want.Number || q.Joined.IsZero() || q.Joined.After(delivered.Time) {
			t.Fatalf("%s: queue %+v, want %s/%s joined by the ring at %v", line(ev), q, want.Name, want.Number, delivered.Time)
		}
		if ev.Kind == pbx.EvCleared {
			if n != 2 || delivered.Kind != pbx.EvDelivered {
				t.Fatalf("%d events before the clear, want delivered, established, cleared", n)
			}
			return
		}
	}
}

// A call through an Asterisk queue: the real incoming call, varied with
// the queue events of the documentation; the pop says "Sales" (the
// configured display name of queue "sales") from the ring to the hang-up.
func TestQueueCallOverTheWire(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.QueueNames = map[string]string{"sales": "Sales"} })
	o.available(true)
	o.ast.Play(varied(t, func(s string) string { return beforeDialBegin(s, docCallerJoin, docAgentCalled) }))
	queueEvents(t, o, pbx.Queue{Name: "Sales", Number: "sales"})
}

// A ring group sends no queue events: the real call varied so that the
// carrier's channel dials 201 from extension 600, the lab's ring group
// (extensions.conf: Dial(PJSIP/201&PJSIP/202) in 600 itself), configured
// as "Front desk".
func TestRingGroupCallOverTheWire(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.RingGroups = map[string]string{"600": "Front desk"} })
	o.available(true)
	o.ast.Play(varied(t, func(s string) string {
		i := strings.Index(s, dialBeginHeader)
		j := i + strings.Index(s[i:], "\nExten: 201\n")
		return s[:j] + "\nExten: 600\n" + s[j+len("\nExten: 201\n"):]
	}))
	queueEvents(t, o, pbx.Queue{Name: "Front desk", Number: "600"})
}
