// Command gen writes internal/awstables/tables.go from the pulumi-aws SDK in the module cache.
package main

import (
	"log"
	"os"

	"github.com/tastylog/infra/internal/awstables"
)

func main() {
	src, err := awstables.Generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("tables.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
