# Short names for README's commands. STACK picks the stack file (Pulumi.$(STACK).yaml).
STACK ?= dev
STACKS := dev prod example

.PHONY: test ci plan preview up docs

# The tests README gives: the program and its layers under mocks, then the batch worker's.
test:
	go test -trimpath ./...
	node --test batch/worker/index.test.mjs

# What CI runs on a clean clone.
ci:
	bash .ci/run

# The offline plan: resources, monthly cost, first-up critical path, warnings (no AWS account needed).
plan:
	go run -trimpath ./cmd/plan --stack $(STACK)

preview:
	pulumi preview --stack $(STACK)

up:
	pulumi up --stack $(STACK)

# The committed plans and diagrams, from the program (a test fails when they fall behind it).
docs:
	mkdir -p docs/plans docs/diagrams
	for s in $(STACKS); do \
	  go run -trimpath ./cmd/plan --stack $$s --format markdown \
	    --mermaid docs/diagrams/$$s.mmd --drawio docs/diagrams/$$s.drawio > docs/plans/$$s.md || exit 1; \
	done
