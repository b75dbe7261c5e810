package org.normlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.io.Json;
import org.normlab.io.ModelFile;
import org.normlab.io.SafetensorsFile;
import org.normlab.nn.Models;
import org.normlab.nn.Sequential;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Weights trained and written by PyTorch 1.13 (reference/make_engine_reference.py; cnn-bn stored
 * as F16) give PyTorch's eval-mode logits and PyTorch's test accuracy in normlab.
 */
class EngineReferenceTest {
  private static Path resource(String name) throws URISyntaxException {
    return Path.of(EngineReferenceTest.class.getResource("/org/normlab/engine-reference/" + name).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp-sigmoid-bn", "cnn-bn"})
  void pytorchWeightsGivePytorchLogits(String model) throws Exception {
    Sequential net = Models.create(model, 0);
    ModelFile.load(net, resource(model + ".safetensors"));
    net.setTraining(false);
    SafetensorsFile ref = SafetensorsFile.read(resource(model + "-logits.safetensors"));
    Tensor inputs = ref.tensor("inputs", Layout.NCHW);
    Tensor logits = net.forward(Models.prepareInput(model, inputs));
    // the tolerance of the brief: PyTorch's logits within 1e-4
    AllClose.assertAllClose(logits.data(), ref.floats("logits"), 1e-4, 1e-4, model + " logits vs PyTorch");
    if (!Models.isMlp(model)) {
      Tensor nhwc = net.forward(inputs.toChannelsLast());
      AllClose.assertAllClose(nhwc.data(), ref.floats("logits"), 1e-4, 1e-4, model + " NHWC logits vs PyTorch");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp-sigmoid-bn", "cnn-bn"})
  void evalOfPytorchWeightsGivesPytorchAccuracy(String model) throws Exception {
    Path weights = resource(model + ".safetensors");
    Map<String, String> meta = SafetensorsFile.read(weights).metadata();
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run("eval", "--model", model, "--weights", weights.toString(), "--data",
          resource("data").toString(), "--json");
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
    Map<String, Object> result = Json.parseObject(buf.toString(StandardCharsets.UTF_8).strip());
    assertEquals(Long.parseLong(meta.get("reference_correct")), ((Number) result.get("correct")).longValue(),
        "correct predictions: PyTorch's count");
    assertEquals(Double.parseDouble(meta.get("reference_loss")), ((Number) result.get("loss")).doubleValue(), 1e-4);
  }
}
