package ctiproto

import "time"

// Queues and ring groups for watchers (issue 15 item 6, PROTOCOL.md
// section 18): the calls waiting in a queue, who may answer them, and
// what became of each call. deskline.v2 only.

// EventQueueChanged tells a watched queue's whole state after a change
// (Event.QueueState, Event.Change).
const EventQueueChanged = "queue-changed"

// Changes a queue-changed event reports (Event.Change).
const (
	QueueJoined    = "joined"    // a caller entered the queue (Event.Call)
	QueueAnswered  = "answered"  // a member answered a waiting call (Event.Call, Event.AnsweredBy)
	QueueAbandoned = "abandoned" // a call left the queue unanswered (Event.Call, Event.Cause)
	QueueMembers   = "members"   // a member logged in or out
	QueueRefresh   = "refresh"   // the exchange's state was read again (after an outage)
	// QueueUnwatched: the queue's members changed and the user's watch no
	// longer covers every one of them: the client drops the queue
	// (QueueState carries only its number).
	QueueUnwatched = "unwatched"
)

// QueueState is a queue or ring group as its watchers see it.
type QueueState struct {
	Number  string        `json:"number"`
	Name    string        `json:"name,omitempty"`
	Members []QueueMember `json:"members"`
	Waiting []QueueCaller `json:"waiting"`
}

// QueueMember is a device that answers the queue's calls.
type QueueMember struct {
	Device   string `json:"device"`
	LoggedIn bool   `json:"logged_in"`
}

// QueueCaller is a call waiting in the queue: Position 1 is answered
// first. Caller only for watchers who may see parties.
type QueueCaller struct {
	Call     string    `json:"call"`
	Position int       `json:"position"`
	Joined   time.Time `json:"joined"`
	Caller   *Party    `json:"caller,omitempty"`
}

// queueSpecs are the spec table's entries for queues.
func queueSpecs() []*spec {
	return []*spec{
		{typ: EventQueueChanged, kind: event, new: newEvent, check: checkEvent,
			extra: []string{"queue_state", "change"}, optional: []string{"call", "answered_by", "cause"}},
	}
}
