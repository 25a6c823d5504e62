package main

import (
	"net"
	"testing"
)

func TestBaseFromAddr(t *testing.T) {
	tests := []struct{ addr, want string }{
		{":8080", "http://localhost:8080"},
		{"0.0.0.0:9000", "http://localhost:9000"},
		{"[::]:8080", "http://localhost:8080"},
		{"127.0.0.1:18080", "http://127.0.0.1:18080"},
		{"[::1]:8080", "http://[::1]:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a, err := net.ResolveTCPAddr("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := baseFromAddr(a); got != tt.want {
				t.Errorf("baseFromAddr(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
