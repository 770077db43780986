package layer

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestBuildStopsAtTheFirstErrorAndNamesIt(t *testing.T) {
	var ran []string
	step := func(name string, err error) Step {
		return Step{name, func() error { ran = append(ran, name); return err }}
	}
	err := Build("network", step("vpc", nil), step("nat", errors.New("boom")), step("acls", nil))
	if err == nil || err.Error() != "network: nat: boom" {
		t.Fatalf("Build() = %v, want network: nat: boom", err)
	}
	if len(ran) != 2 {
		t.Errorf("ran %v, want vpc and nat only", ran)
	}
}

func TestWithDoesNotShareTheBackingArray(t *testing.T) {
	base := make([]pulumi.ResourceOption, 1, 4)
	a := With(base, pulumi.Protect(true))
	b := With(base, pulumi.Protect(false))
	if len(a) != 2 || len(b) != 2 || &a[1] == &b[1] {
		t.Fatalf("With() shared storage: %p %p", &a[1], &b[1])
	}
}
