// Package layertests holds the unit tests of the five layer packages (network, data, compute, edge,
// observability), each layer run alone under the test kit's mocks through its exported API. They live in one
// package so that they link pulumi-aws once, into one test binary, however many layers there are: linking,
// not running, is what a rerun of the suite spends its time on (docs/delivery.md).
package layertests
