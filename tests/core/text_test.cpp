#include "cuvk/core/text.hpp"

#include <gtest/gtest.h>

using cuvk::core::escape_control;
using cuvk::core::quote;

TEST(Text, PrintableTextPassesThrough) {
    EXPECT_EQ(escape_control("gray-scott feed=0.05"), "gray-scott feed=0.05");
    EXPECT_EQ(escape_control("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93"); // UTF-8 stays
}

TEST(Text, ControlCharactersBecomeEscapes) {
    EXPECT_EQ(escape_control("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(escape_control("\x1b[2J"), "\\e[2J");
    EXPECT_EQ(escape_control(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
    EXPECT_EQ(escape_control("\xc2\x9b"
                             "31m"),
              "\\u009b31m"); // C1 CSI, which some terminals obey
}

TEST(Text, BytesThatAreNotUtf8AreEscapedOneByOne) {
    EXPECT_EQ(escape_control("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(escape_control("\xc3"), "\\xc3");                   // truncated sequence
    EXPECT_EQ(escape_control("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
    EXPECT_EQ(escape_control("\xed\xa0\x80"), "\\xed\\xa0\\x80"); // a surrogate
}

TEST(Text, TheResultHasNoLineBreakOrControlByte) {
    std::string every_byte;
    for (int c = 0; c < 256; ++c)
        every_byte += char(c);
    for (const auto& out : {escape_control(every_byte), quote(every_byte)})
        for (unsigned char c : out)
            EXPECT_TRUE(c >= 0x20 && c != 0x7f && c < 0x80) << int(c);
}

TEST(Text, QuoteIsUnambiguous) {
    EXPECT_EQ(quote("feed"), "'feed'");
    EXPECT_EQ(quote("a'b"), "'a\\'b'");
    EXPECT_EQ(quote("a\\nb"), "'a\\\\nb'"); // a backslash and an n, not a newline
    EXPECT_EQ(quote("a\nb"), "'a\\nb'");
    EXPECT_EQ(quote(""), "''");
}
