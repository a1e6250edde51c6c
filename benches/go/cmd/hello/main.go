// The smallest program linked with our Go package: it prints the library's
// version. BENCHMARKS.md gives the size of this binary.
package main

import (
	"fmt"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

func main() { fmt.Println(lcbot.Version()) }
