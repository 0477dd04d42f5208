// What the OpenCL sources share: the CLHPP include (with its configuration from CMake) and
// error text. Include only from kernels/opencl/*.cpp.
#pragma once

#include <CL/opencl.hpp>
#include <string>

namespace hashrig::kernels::opencl {

// "CL_OUT_OF_RESOURCES (-5)" and the like.
std::string cl_error_name(cl_int code);
// "clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)" from a CLHPP exception.
std::string describe(const cl::Error& e);

}  // namespace hashrig::kernels::opencl
