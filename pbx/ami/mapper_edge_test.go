package ami

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
)

func edgeMsg(kv ...string) Message {
	var m Message
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

func edgeFeed(m *mapper, msgs ...Message) []string {
	var got []string
	for _, msg := range msgs {
		for _, e := range m.handle(msg) {
			got = append(got, line(e))
		}
	}
	return got
}

// incoming E -> 201 answered, bridged with the carrier leg.
func edgeAnsweredIncoming(m *mapper) {
	edgeFeed(m,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4", "CallerIDNum", "+49301234567", "CallerIDName", "Jane Doe", "Uniqueid", "100.1", "Linkedid", "100.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000002", "ChannelState", "0", "CallerIDNum", "201", "CallerIDName", "Alice Meyer", "ConnectedLineNum", "+49301234567", "ConnectedLineName", "Jane Doe", "Uniqueid", "100.2", "Linkedid", "100.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "100.1", "DestChannel", "PJSIP/201-00000002", "DestUniqueid", "100.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "5", "Uniqueid", "100.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "6", "Uniqueid", "100.2"),
		edgeMsg("Event", "DialEnd", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "100.1", "DestUniqueid", "100.2", "DialStatus", "ANSWER"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "100.1", "BridgeUniqueid", "b1"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/201-00000002", "Uniqueid", "100.2", "BridgeUniqueid", "b1"),
	)
}

// A blind transfer the phone tried but Asterisk refused (BlindTransfer
// with Result: Fail, e.g. an invalid extension) leaves 201 in the call.
// When 201 later simply hangs up, the desktop must hear "cleared normal",
// not "transferred".
func TestFailedBlindTransferIsNotATransfer(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredIncoming(m)
	got := edgeFeed(m,
		edgeMsg("Event", "BlindTransfer", "Result", "Fail", "TransfererChannel", "PJSIP/201-00000002", "TransfererUniqueid", "100.2",
			"TransfereeChannel", "PJSIP/carrier-00000001", "TransfereeUniqueid", "100.1", "IsExternal", "Yes", "Context", "from-internal", "Extension", "999"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/201-00000002", "Uniqueid", "100.2", "Cause", "16"),
	)
	want := []string{"cleared 201 cleared in other=+49301234567(Jane Doe) call=100.1 cause=normal"}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Same for an attended transfer that failed.
func TestFailedAttendedTransferIsNotATransfer(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredIncoming(m)
	got := edgeFeed(m,
		edgeMsg("Event", "AttendedTransfer", "Result", "Fail", "OrigTransfererUniqueid", "100.2", "SecondTransfererUniqueid", "", "SecondTransfererConnectedLineNum", "", "DestType", "Fail"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/201-00000002", "Uniqueid", "100.2", "Cause", "16"),
	)
	want := []string{"cleared 201 cleared in other=+49301234567(Jane Doe) call=100.1 cause=normal"}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// internal call 201 -> 202 answered and bridged.
func edgeAnsweredInternal(m *mapper) {
	edgeFeed(m,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000001", "ChannelState", "4", "CallerIDNum", "201", "CallerIDName", "Alice Meyer", "Exten", "202", "Uniqueid", "200.1", "Linkedid", "200.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/202-00000002", "ChannelState", "0", "CallerIDNum", "202", "CallerIDName", "Bob Schulz", "ConnectedLineNum", "201", "ConnectedLineName", "Alice Meyer", "Uniqueid", "200.2", "Linkedid", "200.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1", "Exten", "202", "DestChannel", "PJSIP/202-00000002", "DestUniqueid", "200.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/202-00000002", "ChannelState", "5", "Uniqueid", "200.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/202-00000002", "ChannelState", "6", "Uniqueid", "200.2"),
		edgeMsg("Event", "DialEnd", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1", "DestUniqueid", "200.2", "DialStatus", "ANSWER", "ConnectedLineNum", "202", "ConnectedLineName", "Bob Schulz"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1", "BridgeUniqueid", "b2"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/202-00000002", "Uniqueid", "200.2", "BridgeUniqueid", "b2"),
	)
}

// 201 holds, then 202 holds too. 202's Hold must not tell 201's desktop
// that 201's own call is "connected" again, and 201's later Unhold must
// produce a retrieved for 201.
func TestHoldByBothSides(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredInternal(m)
	got := edgeFeed(m,
		edgeMsg("Event", "Hold", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1"),
		edgeMsg("Event", "Hold", "Channel", "PJSIP/202-00000002", "Uniqueid", "200.2"),
		edgeMsg("Event", "Unhold", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1"),
	)
	var states []string
	for _, c := range m.calls() {
		states = append(states, c.Device+"="+string(c.State))
	}
	slices.Sort(states)
	t.Logf("events:\n  %s", strings.Join(got, "\n  "))
	// After 201's Unhold, 201 must have been told "retrieved" at some point
	// after its hold, and 202 still holds (held).
	sawRetrieved201 := false
	for _, l := range got {
		if strings.HasPrefix(l, "retrieved 201 ") {
			sawRetrieved201 = true
		}
	}
	if !sawRetrieved201 {
		t.Errorf("201 pressed Unhold but its desktop got no retrieved event")
	}
	if !slices.Equal(states, []string{"201=connected", "202=held"}) {
		t.Errorf("states = %v", states)
	}
	for _, l := range got {
		if strings.HasPrefix(l, "held 201 connected") {
			t.Errorf("201 still holds the call but was told %q", l)
		}
	}
}

// 201 calls its own extension (call waiting on): the device is both caller
// and callee of one call. Clear(call, 201) while the second leg rings must
// act on a well-defined leg; find() picks one at random from a map.
func TestSelfCallAmbiguousLeg(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	got := edgeFeed(m,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000001", "ChannelState", "4", "CallerIDNum", "201", "CallerIDName", "Alice Meyer", "Exten", "201", "Uniqueid", "300.1", "Linkedid", "300.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000002", "ChannelState", "0", "CallerIDNum", "201", "CallerIDName", "Alice Meyer", "ConnectedLineNum", "201", "ConnectedLineName", "Alice Meyer", "Uniqueid", "300.2", "Linkedid", "300.1"),
		// Newstate Ringing before DialBegin, as d4-outbound-busy shows it can come
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "5", "CallerIDNum", "201", "CallerIDName", "Alice Meyer", "ConnectedLineNum", "201", "ConnectedLineName", "Alice Meyer", "Uniqueid", "300.2"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/201-00000001", "Uniqueid", "300.1", "Exten", "201", "DestChannel", "PJSIP/201-00000002", "DestUniqueid", "300.2"),
	)
	t.Logf("events:\n  %s", strings.Join(got, "\n  "))
	for _, l := range got {
		if strings.HasPrefix(l, "initiated 201") {
			t.Errorf("the ringing second leg was taken for a click-to-dial: %q (no delivered, no screen pop)", l)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		l, err := m.leg("300.1", "201")
		if err != nil {
			t.Fatal(err)
		}
		seen[l.name] = true
	}
	if len(seen) > 1 {
		t.Errorf("leg(call, 201) returns different channels from call to call: %v; Clear/Transfer act on a random leg", seen)
	}
}

var _ = pbx.CallID("")

// A queue rings the phone through a Local channel pair: deflect must move
// the real caller (the one dialling Local/…;1), not the ;2 half that dials
// the phone. A bridge of three has no single far party to transfer.
func TestDeflectThroughLocalChannels(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeFeed(m,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4", "CallerIDNum", "+49301234567", "Exten", "600", "Uniqueid", "500.1", "Linkedid", "500.1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-queue-00000001;1", "ChannelState", "0", "Uniqueid", "500.2", "Linkedid", "500.1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-queue-00000001;2", "ChannelState", "0", "Uniqueid", "500.3", "Linkedid", "500.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1", "DestChannel", "Local/201@from-queue-00000001;1", "DestUniqueid", "500.2"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000004", "ChannelState", "0", "CallerIDNum", "201", "Uniqueid", "500.4", "Linkedid", "500.1"),
		edgeMsg("Event", "DialBegin", "Channel", "Local/201@from-queue-00000001;2", "Uniqueid", "500.3", "DestChannel", "PJSIP/201-00000004", "DestUniqueid", "500.4"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "5", "ConnectedLineNum", "+49301234567", "Uniqueid", "500.4"),
	)
	_, caller, err := m.callerOf("500.1", "201")
	if err != nil || caller != "PJSIP/carrier-00000001" {
		t.Errorf("callerOf = %q, %v; want the carrier's channel behind the Local pair", caller, err)
	}
	edgeFeed(m,
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "6", "Uniqueid", "500.4"),
		edgeMsg("Event", "BridgeEnter", "BridgeUniqueid", "b1", "Channel", "PJSIP/201-00000004", "Uniqueid", "500.4"),
		edgeMsg("Event", "BridgeEnter", "BridgeUniqueid", "b1", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1"),
		edgeMsg("Event", "BridgeEnter", "BridgeUniqueid", "b1", "Channel", "Local/201@from-queue-00000001;2", "Uniqueid", "500.3"),
	)
	if _, far, err := m.farParty("500.1", "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Errorf("farParty in a bridge of three = %q, %v; want ErrInvalidState", far, err)
	}
}

// A transfer whose target hung up before the transferer's leg ended
// leaves a call with no channel: nothing of it may stay in the mapper
// (it would otherwise be kept until the next reconnect).
func TestTransferOfAnEndedCallIsForgotten(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredIncoming(m)
	edgeFeed(m,
		edgeMsg("Event", "BlindTransfer", "Result", "Success", "TransfererChannel", "PJSIP/201-00000002", "TransfererUniqueid", "100.2",
			"TransfereeChannel", "PJSIP/carrier-00000001", "TransfereeUniqueid", "100.1", "IsExternal", "Yes", "Context", "from-internal", "Extension", "202"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "100.1", "Cause", "16"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/201-00000002", "Uniqueid", "100.2", "Cause", "16"),
	)
	if len(m.chans) != 0 || len(m.movedBy) != 0 {
		t.Errorf("after the call ended: %d channels, movedBy %v", len(m.chans), m.movedBy)
	}
}

// An attended transfer done on the phone with two calls (SIP REFER with
// Replaces): 201 called 202; 202 calls 203 on a second line, then
// transfers 201 to 203. Both who stay are Deskline devices, each in its
// own call: each is told whom it talks to now, and 202 leaves both calls
// as transferred, naming 201 (whom it handed over), not 203.
func TestAttendedTransferOfTwoCallsTellsBothWhoStay(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredInternal(m)
	edgeFeed(m,
		edgeMsg("Event", "Hold", "Channel", "PJSIP/202-00000002", "Uniqueid", "200.2"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/202-00000003", "ChannelState", "4", "CallerIDNum", "202", "CallerIDName", "Bob Schulz", "Exten", "203", "Uniqueid", "300.1", "Linkedid", "300.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/203-00000004", "ChannelState", "0", "CallerIDNum", "203", "CallerIDName", "Carol Weber", "ConnectedLineNum", "202", "ConnectedLineName", "Bob Schulz", "Uniqueid", "300.2", "Linkedid", "300.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/202-00000003", "Uniqueid", "300.1", "Exten", "203", "DestChannel", "PJSIP/203-00000004", "DestUniqueid", "300.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/203-00000004", "ChannelState", "5", "Uniqueid", "300.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/203-00000004", "ChannelState", "6", "Uniqueid", "300.2"),
		edgeMsg("Event", "DialEnd", "Channel", "PJSIP/202-00000003", "Uniqueid", "300.1", "DestUniqueid", "300.2", "DialStatus", "ANSWER", "ConnectedLineNum", "203", "ConnectedLineName", "Carol Weber"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/202-00000003", "Uniqueid", "300.1", "BridgeUniqueid", "b3"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/203-00000004", "Uniqueid", "300.2", "BridgeUniqueid", "b3"),
	)
	got := edgeFeed(m,
		edgeMsg("Event", "AttendedTransfer", "Result", "Success", "DestType", "Bridge",
			"OrigTransfererChannel", "PJSIP/202-00000002", "OrigTransfererUniqueid", "200.2",
			"SecondTransfererChannel", "PJSIP/202-00000003", "SecondTransfererUniqueid", "300.1",
			"TransfereeChannel", "PJSIP/201-00000001", "TransfereeUniqueid", "200.1", "TransfereeCallerIDNum", "201", "TransfereeCallerIDName", "Alice Meyer",
			"TransferTargetChannel", "PJSIP/203-00000004", "TransferTargetUniqueid", "300.2", "TransferTargetCallerIDNum", "203", "TransferTargetCallerIDName", "Carol Weber"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/202-00000002", "Uniqueid", "200.2", "Cause", "16"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/202-00000003", "Uniqueid", "300.1", "Cause", "16"),
	)
	want := []string{
		"transferred 203 connected in other=201(Alice Meyer) call=300.1 by=202 to=201",
		"transferred 201 connected out other=203(Carol Weber) call=200.1 by=202 to=203",
		"transferred 202 cleared in other=201(Alice Meyer) call=200.1 cause=transferred by=202 to=203",
		"cleared 202 cleared in other=201(Alice Meyer) call=200.1 cause=transferred",
		"transferred 202 cleared out other=201(Alice Meyer) call=300.1 cause=transferred by=202 to=203",
		"cleared 202 cleared out other=201(Alice Meyer) call=300.1 cause=transferred",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// 203 joined 201's call: both are one call now, on every desk.
	if calls := m.calls(); len(calls) != 2 || calls[0].Call != "200.1" || calls[1].Call != "200.1" {
		t.Errorf("after the transfer: %+v, want 201 and 203 in call 200.1", calls)
	}
	got = edgeFeed(m, edgeMsg("Event", "Hangup", "Channel", "PJSIP/201-00000001", "Uniqueid", "200.1", "Cause", "16"),
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/203-00000004", "Uniqueid", "300.2", "Cause", "16"))
	want = []string{
		"cleared 201 cleared out other=203(Carol Weber) call=200.1 cause=normal",
		"cleared 203 cleared in other=201(Alice Meyer) call=200.1 cause=normal",
	}
	if !slices.Equal(got, want) {
		t.Errorf("hang-ups:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A NOTIFY names no call: with a second call ringing while 201 talks, a
// "talk" could answer either, and "hold" could hit the one the phone
// deems current. The connector finds such a rival call and refuses.
func TestRivalCallMakesANotifyAmbiguous(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	edgeAnsweredIncoming(m)
	if _, ok := m.rival("201", "100.2", rivals[pbx.SvcHold]); ok {
		t.Fatal("one call: a rival found")
	}
	edgeFeed(m,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000003", "ChannelState", "4", "CallerIDNum", "+4989111", "Uniqueid", "400.1", "Linkedid", "400.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000004", "ChannelState", "0", "CallerIDNum", "201", "ConnectedLineNum", "+4989111", "Uniqueid", "400.2", "Linkedid", "400.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000003", "Uniqueid", "400.1", "DestChannel", "PJSIP/201-00000004", "DestUniqueid", "400.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "5", "Uniqueid", "400.2"),
	)
	if st, ok := m.rival("201", "400.2", rivals[pbx.SvcAnswer]); ok {
		t.Errorf("answer the waiting call: rival %s found, but the other call is live, not ringing", st)
	}
	if st, ok := m.rival("201", "100.2", rivals[pbx.SvcHold]); ok {
		t.Errorf("hold the live call: rival %s found, but the other call only rings", st)
	}
	if _, ok := m.rival("202", "", rivals[pbx.SvcAnswer]); ok {
		t.Error("202's calls are not 201's")
	}
	edgeFeed(m, edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000005", "ChannelState", "0", "CallerIDNum", "201", "ConnectedLineNum", "+4940222", "Uniqueid", "500.2", "Linkedid", "500.1"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000005", "ChannelState", "5", "Uniqueid", "500.2"))
	if st, ok := m.rival("201", "400.2", rivals[pbx.SvcAnswer]); !ok || st != pbx.StateAlerting {
		t.Errorf("two calls ringing: rival %q %v, want the other ringing one", st, ok)
	}
}
