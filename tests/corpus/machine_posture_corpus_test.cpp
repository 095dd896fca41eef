// Corpus: the machine posture (docs/model.md, "Machine posture") of a VM in a real quickstart template by others
// (../shared/corpus/arm/qs-asg-web): its image from a variable, its Linux configuration chosen by a parameter
// (`json('null')` for password authentication, the default), and its CustomScript extension declared as a
// separate resource. Expected values are read by hand off the template.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "importers/inputs.h"
#include "model/model.h"

namespace {

using namespace exposim;

const std::string kTemplate = EXPOSIM_SHARED_DIR "/corpus/arm/qs-asg-web/azuredeploy.json";
const std::string kParameters = EXPOSIM_SHARED_DIR "/corpus/arm/qs-asg-web/azuredeploy.parameters.json";

const model::MachinePosture& posture_of(const model::Model& m) {
  REQUIRE(m.vms.size() == 1);
  REQUIRE(m.vms[0].name == "VM");
  return m.vms[0].posture;
}

}  // namespace

TEST_CASE("corpus posture: qs-asg-web, password authentication (the default)", "[corpus][posture]") {
  importers::InputOptions o;
  o.parameter_files.push_back(kParameters);
  model::Model m;
  model::Diagnostics d;
  importers::import_inputs({kTemplate}, o, m, d);
  const auto& p = posture_of(m);
  // `linuxConfiguration` is json('null'): absent, so the image publisher (OpenLogic) decides the OS.
  CHECK_FALSE(p.disable_password_authentication.present());
  CHECK(p.disable_password_authentication.where.pointer == "/resources/5");
  CHECK(p.os == model::OsType::kLinux);
  CHECK(p.os_where.pointer == "/resources/5/properties/storageProfile/imageReference/publisher");
  CHECK(p.image.publisher == "OpenLogic");
  CHECK(p.image.offer == "CentOS");
  CHECK(p.image.sku == "6.9");
  CHECK_FALSE(p.encryption_at_host.present());
  CHECK_FALSE(p.identity_type.present());
  REQUIRE(p.extensions.size() == 1);
  CHECK(fmt::format("{} {} {} @ {}", p.extensions[0].name, p.extensions[0].publisher, p.extensions[0].type,
                    p.extensions[0].where.pointer) ==
        "linuxconfig Microsoft.Azure.Extensions CustomScript @ /resources/6");
}

TEST_CASE("corpus posture: qs-asg-web, SSH keys", "[corpus][posture]") {
  importers::InputOptions o;
  o.parameter_files.push_back(kParameters);
  o.parameters = {"authenticationType=sshPublicKey"};
  model::Model m;
  model::Diagnostics d;
  importers::import_inputs({kTemplate}, o, m, d);
  const auto& p = posture_of(m);
  CHECK(p.disable_password_authentication.is(true));
  CHECK(p.disable_password_authentication.where.pointer ==
        "/resources/5/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  CHECK(p.os == model::OsType::kLinux);
  CHECK(p.os_where.pointer == "/resources/5/properties/osProfile/linuxConfiguration");
}
