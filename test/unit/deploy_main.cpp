// The doctest runner for the unit tests of issue 6 (deploy).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
