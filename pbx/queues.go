package pbx

// QueueInfo is a queue or ring group and the devices that answer its
// calls (issue 15 item 6): watchers see its waiting calls and which
// members are logged in.
type QueueInfo struct {
	Number  string   // what callers dial, or the exchange's name of the queue (Queue.Number)
	Name    string   // display name; "" when it has none
	Members []string // device ids
}

// QueueLister is an Exchange that knows its queues and ring groups and
// their members. The CTI server follows the calls waiting in them from
// the call events (Event.Queue); a member is logged in while its device
// is registered. An exchange that is no QueueLister still reports the
// queue of each call: the server then knows the queue, not its members.
type QueueLister interface {
	// Queues lists the queues and ring groups, fixed for the exchange's
	// life.
	Queues() []QueueInfo
}
