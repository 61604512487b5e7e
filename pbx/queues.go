package pbx

// QueueInfo is a queue or ring group and the devices that answer its
// calls (issue 15 item 6): watchers see its waiting calls and which
// members are logged in.
type QueueInfo struct {
	Number  string   // what callers dial, or the exchange's name of the queue (Queue.Number)
	Name    string   // display name; "" when it has none
	Members []string // device ids
	// Away are the members the exchange will not ring for the queue's
	// calls now although their phone may be registered: paused, or
	// unreachable as the exchange sees it. A member is logged in while
	// its device is registered and it is not away; an exchange that
	// knows no more than registration (the simulated one) leaves it nil.
	Away []string
}

// QueueLister is an Exchange that knows its queues and ring groups and
// their members. The CTI server follows the calls waiting in them from
// the call events (Event.Queue); a member is logged in while its device
// is registered and not Away. An exchange that is no QueueLister still
// reports the queue of each call: the server then knows the queue, not
// its members.
//
// Members and Away may change while the exchange runs (a member added
// to an Asterisk queue, or paused): the exchange then emits
// EvQueueMembers with the queue's QueueInfo as it is now, in order with
// its other events, and only when something changed. The server reads
// Queues once as it starts and again after each outage, when events may
// have been lost; an exchange whose members never change (the simulated
// one) never emits EvQueueMembers.
type QueueLister interface {
	// Queues lists the queues and ring groups as they are now.
	Queues() []QueueInfo
}
