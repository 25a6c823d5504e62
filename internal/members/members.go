// Package members knows the member names of a problem document that are
// not extension members: the five of RFC 9457 and problemkit's own. The
// problem package writes them; an extension member can never take one.
package members

// Reserved reports whether name is a standard RFC 9457 member or one of
// problemkit's own, which an extension member can never replace.
func Reserved(name string) bool {
	switch name {
	case "type", "title", "status", "detail", "instance", "code", "requestId", "timestamp", "errors":
		return true
	}
	return false
}
