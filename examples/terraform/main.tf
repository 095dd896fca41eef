# A small estate for `exposim analyze plan.json` and `exposim whatif --plan plan.json` (README.md): one network
# whose subnet NSG admits SSH from one range, a Linux VM with a public IP (vm.tf), and a public load balancer
# with an inbound NAT rule to the VM's SSH (lb.tf).

terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.110"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "admin_source" {
  description = "The one range allowed to SSH in (an administrators' network)"
  type        = string
  default     = "52.10.20.0/24"
}

variable "ssh_public_key" {
  description = "The administrator's public SSH key"
  type        = string
}

resource "azurerm_resource_group" "main" {
  name     = "rg-tf-example"
  location = "westeurope"
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-example"
  address_space       = ["10.20.0.0/16"]
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.20.1.0/24"]
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_network_security_rule" "ssh" {
  name                        = "allow-ssh-admin"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = var.admin_source
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}
