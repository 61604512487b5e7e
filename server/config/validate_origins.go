package config

import (
	"fmt"
	"net/url"
)

// checkOrigins accepts only origins as a browser sends them:
// scheme://host[:port], http or https, no path, query or user.
func (c *Config) checkOrigins(ps *problems) {
	for i, o := range c.AllowedOrigins {
		key := fmt.Sprintf("allowed_origins[%d]", i)
		u, err := url.Parse(o)
		switch {
		case err != nil:
			ps.add("allowed_origins", "%s %q: %v", key, o, err)
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "",
			u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.User != nil:
			ps.add("allowed_origins", "%s %q is not an origin: write scheme://host[:port], e.g. \"https://crm.example.com\"", key, o)
		}
	}
}
