// The visible corpus of real MXNet model files (tests/data/zoo: copies of
// ../shared/mxnet-artifacts/zoo, its MANIFEST.tsv unchanged): every file runs through
// `summary --forward` (load, shape inference with the manifest's input shape, one forward pass,
// with the file's .params where the corpus has a small one). Files that do not run yet are
// listed with the reason their error must name; any other failure, and any listed file that
// starts to run, fails the test, so the list stays exact.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;
const std::string kDir = "tests/data/zoo/";

// Why each file does not run yet (a part of the error it must print).
const std::map<std::string, std::string> kNotYet = {
    {"multilabel_resnet50_whatsonpizza", "no custom operator"},  // a Python CustomOp
    {"lightened_moon_tornadomeet", "'MoonOutput' is not part of MXNet"},  // a private plugin
    {"ocr_lstm_gnnbest", "'WarpCTC' is not part of MXNet"},               // a private plugin
    // MXNet's int8 flow: quantize_v2, the fused _sg_mkldnn_conv subgraph nodes, requantize.
    {"gluoncv_resnet50_v1_int8_mxnetsharp", "'_contrib_quantize_v2' is registered"},
    {"gluoncv_ssd512_mobilenet_int8_mxnetsharp", "'_contrib_quantize_v2' is registered"},
    {"shufflenas_quantized_entropy_canyonwind", "'_contrib_quantize_v2' is registered"},
    // The file itself is inconsistent: Concat of 32x32 and 29x29 maps (MXNet rejects it too).
    {"deepwater_unet", "pool3_concat"},
};

// Input shapes that fit the file where the manifest's plausible shape does not: its .params,
// or its preprocessing (the YOLOv3 graph starts from NHWC images).
const std::map<std::string, std::string> kShapeOverride = {
    {"alignment_lasereye", "data=1,3,64,64"},
    {"residual_cypw", "data=1,3,224,224"},
    {"mobilefacedet_yolov3_becauseofai", "data=1,256,256,3"},
};

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, sep)) parts.push_back(item);
  return parts;
}

TEST(ZooCorpus, EveryFileWithMXNetOperatorsRunsForward) {
  std::ifstream manifest(kDir + "MANIFEST.tsv");
  ASSERT_TRUE(manifest) << "no " << kDir << "MANIFEST.tsv";
  std::string line;
  std::getline(manifest, line);
  std::vector<std::string> header = Split(line, '\t');
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  ASSERT_TRUE(col.count("name") && col.count("json_file") && col.count("input_shapes"));
  int files = 0, ran = 0, with_params = 0;
  while (std::getline(manifest, line)) {
    std::vector<std::string> f = Split(line, '\t');
    const std::string& name = f[col["name"]];
    std::string dir = kDir + "corpus/" + name + "/";
    std::string json = dir + f[col["json_file"]];
    ASSERT_TRUE(std::filesystem::exists(json)) << json;
    ++files;
    std::string cmd = "tools/summary --symbol " + json + " --forward";
    std::string params;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".params") params = e.path().string();
    std::string shapes = f[col["input_shapes"]];
    if (kShapeOverride.count(name)) shapes = kShapeOverride.at(name);
    if (!params.empty()) cmd += " --params " + params;
    for (const std::string& s : Split(shapes, ';'))
      if (!s.empty()) cmd += " --shape " + s;
    int rc = -1;
    std::string out = RunCommand(cmd + " 2>&1", &rc);
    auto reason = kNotYet.find(name);
    if (reason == kNotYet.end()) {
      EXPECT_EQ(rc, 0) << name << " does not run: " << cmd << "\n" << out.substr(out.size() > 600 ? out.size() - 600 : 0);
      EXPECT_NE(out.find("Forward pass ("), std::string::npos) << name << ": " << out;
      if (rc == 0) {
        ++ran;
        with_params += !params.empty();
      }
    } else {
      EXPECT_NE(rc, 0) << name << " runs now: take it off the list of files that do not.";
      EXPECT_NE(out.find(reason->second), std::string::npos)
          << name << " fails for another reason than '" << reason->second << "':\n" << out;
    }
  }
  EXPECT_EQ(files, 63);
  std::cout << "zoo corpus: " << ran << " of " << files << " files run forward (" << with_params
            << " with their .params)\n";
}

}  // namespace
