// Command problemkit is problemkit's command-line tool.
//
//	go run ./cmd/problemkit compat OLD.json NEW.json
//
// compat compares two snapshots of an error catalog ([problemdocs.Snapshot],
// the catalog.json that [problemdocs.WriteFiles] writes) with
// [problemdocs.Compare] and prints each change, one a line: the breaking
// ones first, marked BREAKING — a code removed, a status or type URI
// changed, an extension member removed or given another JSON type, a
// header removed — then the additions, marked added. Its last line counts
// them. It exits 1 when a change breaks clients, 0 when every change is an
// addition (or there is none), and 2 when it cannot read its arguments.
package main
