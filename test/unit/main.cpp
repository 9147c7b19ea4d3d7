// doctest's own main for every unit test file under test/unit/: its filters
// and options are doctest's (`build/test/unit_tests --help`). Meson runs each file
// as a test of its own with --source-file (test/meson.build).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
