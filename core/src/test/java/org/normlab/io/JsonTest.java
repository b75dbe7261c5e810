package org.normlab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesEveryKindOfValue() {
    Map<String, Object> m = Json.parseObject(
        " {\"a\": 1, \"b\": -2.5e3, \"c\": [true, false, null], \"d\": {\"e\": \"x\\\"y\\\\z\\n\\u00e9\"}, \"f\": []} ");
    assertEquals(1L, m.get("a"));
    assertEquals(-2500.0, m.get("b"));
    assertEquals(java.util.Arrays.asList(true, false, null), m.get("c"));
    assertEquals(Map.of("e", "x\"y\\z\n\u00e9"), m.get("d"));
    assertEquals(List.of(), m.get("f"));
    assertEquals(List.of("a", "b", "c", "d", "f"), List.copyOf(m.keySet()), "insertion order");
    assertNull(Json.parse("null"));
  }

  @Test
  void roundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "tab\there \"quoted\" \u0001");
    m.put("int", 42L);
    m.put("double", 0.1);
    m.put("list", List.of(1L, "two", false));
    m.put("nested", Map.of("k", List.of()));
    m.put("none", null);
    String text = Json.write(m);
    assertEquals(m, Json.parse(text));
    assertEquals("[1,2]", Json.write(new int[] {1, 2}));
    assertEquals("[0.5,3]", Json.write(new double[] {0.5, 3.0}));
    assertEquals("[null]", Json.write(new double[] {Double.NaN}), "JSON has no NaN");
  }

  @Test
  void rejectsMalformedTextWithThePosition() {
    for (String bad : new String[] {"", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "{\"a\":1} x",
        "tru", "\"unterminated", "{\"a\":1,\"a\":2}", "{1:2}", "\"\\q\"", "1.2.3", "@"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("json: "), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    assertEquals("json: expected an object, got ArrayList", e.getMessage());
  }
}
