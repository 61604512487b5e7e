package main

// The desks of a cluster, as the tray app with several server
// addresses: client i dials node i mod N first, so the desks spread
// evenly, and every attempt after a connection ended goes to the next
// node, where the desk resumes with its epoch and seq (every node holds
// the same per-user logs). With one node both are that node.

// firstURL is where client c connects first.
func (f *fleet) firstURL(c *client) string {
	n := c.idx % len(f.nodes)
	c.node.Store(int32(n))
	return f.nodes[n]
}

// nextURL moves client c on to the next node and returns its URL.
func (f *fleet) nextURL(c *client) string {
	n := (int(c.node.Load()) + 1) % len(f.nodes)
	c.node.Store(int32(n))
	return f.nodes[n]
}

// onNode lists the clients whose node is n now.
func (f *fleet) onNode(n int) []int {
	var idx []int
	for i, c := range f.clients {
		if int(c.node.Load()) == n {
			idx = append(idx, i)
		}
	}
	return idx
}
